using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>
/// POST /BUCKET?delete — the Delete document (at most 1,000 Object elements, each with a Key; Quiet), its Content-MD5
/// checked when sent. Every key is reported Deleted (S3 reports keys that did not exist as deleted too) unless Quiet, in
/// which case only errors are listed.
/// </summary>
public sealed class DeleteObjects(EmbeddedBuckets buckets) : IS3Operation
{
    /// <summary>S3's limit on keys per request.</summary>
    public const int MaxKeys = 1000;

    public string Name => "DeleteObjects";

    public async Task ExecuteAsync(S3Request request)
    {
        var bucket = request.BucketName;
        buckets.RequireBucket(bucket);
        var document = await S3Xml.ReadAsync(request.Request, request.Aborted).ConfigureAwait(false);
        if (document.Name.LocalName != "Delete")
        {
            throw S3Errors.MalformedXml();
        }
        var quiet = string.Equals(S3Xml.ChildValue(document, "Quiet")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var keys = new List<string>();
        foreach (var item in S3Xml.Children(document, "Object"))
        {
            keys.Add(S3Xml.ChildValue(item, "Key") ?? throw S3Errors.MalformedXml());
        }
        if (keys.Count is 0 or > MaxKeys)
        {
            throw S3Errors.MalformedXml();
        }
        var errors = new List<(string Key, string Code, string Message)>();
        var deleted = new List<string>();
        foreach (var key in keys)
        {
            try
            {
                await buckets.DeleteAsync(bucket, key, request.Aborted).ConfigureAwait(false);
                deleted.Add(key);
            }
            catch (IOException e)
            {
                errors.Add((key, "InternalError", e.Message));
            }
        }
        await S3Xml.WriteAsync(request.Http, "DeleteResult", writer =>
        {
            if (!quiet)
            {
                foreach (var key in deleted)
                {
                    writer.WriteStartElement("Deleted");
                    writer.WriteElementString("Key", key);
                    writer.WriteEndElement();
                }
            }
            foreach (var (key, code, message) in errors)
            {
                writer.WriteStartElement("Error");
                writer.WriteElementString("Key", key);
                writer.WriteElementString("Code", code);
                writer.WriteElementString("Message", message);
                writer.WriteEndElement();
            }
        }).ConfigureAwait(false);
    }
}
