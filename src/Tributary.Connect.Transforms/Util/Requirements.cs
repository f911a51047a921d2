using System.Collections;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Sink;

namespace Tributary.Connect.Transforms.Util;

/// <summary>Kafka's transforms <c>Requirements</c>: the shape checks SMTs make, with Kafka's messages.</summary>
public static class Requirements
{
    public static void RequireSchema(Schema? schema, string purpose)
    {
        if (schema is null)
        {
            throw new DataException("Schema required for [" + purpose + "]");
        }
    }

    public static IDictionary RequireMap(object? value, string purpose) =>
        value as IDictionary ?? throw new DataException("Only Map objects supported in absence of schema for [" + purpose + "], found: " + JavaClassName.Of(value));

    public static IDictionary? RequireMapOrNull(object? value, string purpose) => value is null ? null : RequireMap(value, purpose);

    public static Struct RequireStruct(object? value, string purpose) =>
        value as Struct ?? throw new DataException("Only Struct objects supported for [" + purpose + "], found: " + JavaClassName.Of(value));

    public static Struct? RequireStructOrNull(object? value, string purpose) => value is null ? null : RequireStruct(value, purpose);

    public static SinkRecord RequireSinkRecord(ConnectRecord record, string purpose) =>
        record as SinkRecord ?? throw new DataException("Only SinkRecord supported for [" + purpose + "], found: " + JavaClassName.Of(record));
}

/// <summary>The Java class name Kafka's messages would show for a value (null-safe), for the data model's .NET types.</summary>
public static class JavaClassName
{
    public static string Of(object? value) => value switch
    {
        null => "null",
        string => "java.lang.String",
        int => "java.lang.Integer",
        long => "java.lang.Long",
        short => "java.lang.Short",
        sbyte => "java.lang.Byte",
        float => "java.lang.Float",
        double => "java.lang.Double",
        bool => "java.lang.Boolean",
        byte[] => "[B",
        BigDecimal => "java.math.BigDecimal",
        DateTime => "java.util.Date",
        Struct => "org.apache.kafka.connect.data.Struct",
        IDictionary => "java.util.HashMap",
        IList => "java.util.ArrayList",
        SinkRecord => "org.apache.kafka.connect.sink.SinkRecord",
        Source.SourceRecord => "org.apache.kafka.connect.source.SourceRecord",
        _ => value.GetType().FullName ?? value.GetType().Name,
    };
}
