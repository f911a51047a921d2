using System.Globalization;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Partitioners;

/// <summary>
/// storage-common's FieldPartitioner: <c>field=value</c> for each field of <c>partition.field.name</c>, joined by
/// <c>directory.delim</c>. The value must be a Struct; the fields INT8–INT64, STRING or BOOLEAN (a null value prints
/// <c>null</c>); anything else is a <see cref="DataException"/> with Confluent's messages.
/// </summary>
public sealed class FieldPartitioner(IReadOnlyList<string> fields, string directoryDelimiter) : IPartitioner
{
    public bool DependsOnClock => false;

    public (string EncodedPartition, long TimestampMs) Partition(SinkRecord record, long nowMs)
    {
        if (record.Value is not Struct value)
        {
            throw new DataException("Error encoding partition: Value is not Struct type.");
        }
        var path = new StringBuilder();
        foreach (var name in fields)
        {
            if (path.Length > 0)
            {
                path.Append(directoryDelimiter);
            }
            var field = value.Schema.Field(name) ?? throw new DataException("Error encoding partition: field " + name + " is not in the value's schema.");
            var fieldValue = value.Get(field);
            path.Append(name).Append('=');
            switch (field.Schema.Type)
            {
                case SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32 or SchemaType.Int64 or SchemaType.String:
                    path.Append(fieldValue is null ? "null" : Convert.ToString(fieldValue, CultureInfo.InvariantCulture));
                    break;
                case SchemaType.Boolean:
                    path.Append(fieldValue switch { null => "null", true => "true", _ => "false" });
                    break;
                default:
                    throw new DataException("Error encoding partition: type " + field.Schema.Type.ToString().ToUpperInvariant() + " of field " + name + " is not supported.");
            }
        }
        return (path.ToString(), -1);
    }
}
