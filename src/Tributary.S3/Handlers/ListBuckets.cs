using Tributary.S3.Storage;
using Tributary.S3.Xml;

namespace Tributary.S3.Handlers;

/// <summary>GET / — every bucket of the embedded store, by name, with its creation time and the local owner.</summary>
public sealed class ListBuckets(EmbeddedBuckets buckets) : IS3Operation
{
    public string Name => "ListBuckets";

    public Task ExecuteAsync(S3Request request)
    {
        var list = buckets.Store.ListBuckets();
        return S3Xml.WriteAsync(request.Http, "ListAllMyBucketsResult", writer =>
        {
            S3Xml.WriteOwner(writer);
            writer.WriteStartElement("Buckets");
            foreach (var bucket in list)
            {
                writer.WriteStartElement("Bucket");
                writer.WriteElementString("Name", bucket.Name);
                writer.WriteElementString("CreationDate", S3Xml.Timestamp(bucket.Created));
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        });
    }
}
