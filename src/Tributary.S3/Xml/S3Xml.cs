using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Tributary.S3.Body;

namespace Tributary.S3.Xml;

/// <summary>
/// S3's XML documents: responses in the namespace <see cref="Namespace"/> (errors without one, as S3 sends them), and
/// the small request documents (Delete, CompleteMultipartUpload, CreateBucketConfiguration) parsed with DTDs refused
/// and a size bound. Response documents are lists of keys or parts, never object data, so they are built in memory
/// and sent with a Content-Length. Stateless; thread-safe.
/// </summary>
public static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>Largest request document read: a Delete of 1,000 keys of 1,024 bytes each, escaped, fits.</summary>
    public const int MaxRequestDocumentBytes = 4 * 1024 * 1024;

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
    };

    /// <summary>Writes a 200 response whose body is the element <paramref name="root"/> in S3's namespace, filled by <paramref name="content"/>.</summary>
    public static Task WriteAsync(HttpContext context, string root, Action<XmlWriter> content, int status = 200)
    {
        var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(root, Namespace);
            content(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        return SendAsync(context, status, buffer);
    }

    /// <summary>S3's error body (no namespace); a HEAD request gets the status and headers alone, as S3 answers it.</summary>
    public static Task WriteErrorAsync(HttpContext context, S3Exception error, string requestId)
    {
        var response = context.Response;
        response.Headers["x-amz-error-code"] = error.Code;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = error.Status;
            response.ContentType = "application/xml";
            return Task.CompletedTask;
        }
        var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Error");
            writer.WriteElementString("Code", error.Code);
            writer.WriteElementString("Message", error.Message);
            foreach (var (name, value) in error.Details)
            {
                writer.WriteElementString(name, value);
            }
            writer.WriteElementString("RequestId", requestId);
            writer.WriteElementString("HostId", requestId);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        return SendAsync(context, error.Status, buffer);
    }

    private static async Task SendAsync(HttpContext context, int status, MemoryStream buffer)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads and parses a request document (at most <see cref="MaxRequestDocumentBytes"/>, aws-chunked framing removed),
    /// checking its Content-MD5 when sent (InvalidDigest, BadDigest); MalformedXML for anything that is not well-formed
    /// XML, holds a DTD, or is empty.
    /// </summary>
    public static async Task<XElement> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        await using (var body = RequestBody.Open(request))
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxRequestDocumentBytes)
                {
                    throw S3Errors.MalformedXml();
                }
                buffer.Write(chunk, 0, read);
            }
        }
        if (RequestBody.ContentMd5(request) is { } expected && !expected.AsSpan().SequenceEqual(MD5.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))))
        {
            throw S3Errors.BadDigest();
        }
        buffer.Position = 0;
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(buffer, settings);
            return XDocument.Load(reader).Root ?? throw S3Errors.MalformedXml();
        }
        catch (XmlException)
        {
            throw S3Errors.MalformedXml();
        }
    }

    /// <summary>The bucket owner in listings: the single local account.</summary>
    public static void WriteOwner(XmlWriter writer, string element = "Owner")
    {
        writer.WriteStartElement(element);
        writer.WriteElementString("ID", OwnerId);
        writer.WriteElementString("DisplayName", "tributary");
        writer.WriteEndElement();
    }

    /// <summary>The canonical user id of the local account (64 hex digits, the shape of S3's).</summary>
    public const string OwnerId = "7472696275746172790000000000000000000000000000000000000000000000";

    /// <summary>The child elements named <paramref name="name"/>, in S3's namespace or in none (clients send both).</summary>
    public static IEnumerable<XElement> Children(XElement parent, string name) =>
        parent.Elements().Where(e => e.Name.LocalName == name && (e.Name.NamespaceName.Length == 0 || e.Name.NamespaceName == Namespace));

    public static string? ChildValue(XElement parent, string name) => Children(parent, name).FirstOrDefault()?.Value;

    /// <summary>Timestamps in listings and copy results: ISO 8601 with milliseconds, UTC.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Timestamps in headers (Last-Modified): RFC 1123.</summary>
    public static string HttpDate(DateTimeOffset time) => time.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
}
