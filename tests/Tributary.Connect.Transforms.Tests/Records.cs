using Tributary.Connect.Data;
using Tributary.Connect.Sink;
using Tributary.Connect.Source;

namespace Tributary.Connect.Transforms.Tests;

internal static class Records
{
    public static SinkRecord SinkRecordOf(Schema? valueSchema, object? value, Schema? keySchema = null, object? key = null, string topic = "test", long? timestamp = 1483425001864L) =>
        new(topic, 0, keySchema, key, valueSchema, value, 42, timestamp, TimestampType.CreateTime);

    public static SourceRecord SourceRecordOf(Schema? valueSchema, object? value, string topic = "test") =>
        new(null, null, topic, 0, null, null, valueSchema, value, 1483425001864L);

    public static T Configured<T>(params (string Key, string Value)[] configs)
        where T : ITransformation, new()
    {
        var transformation = new T();
        transformation.Configure(configs.ToDictionary(c => c.Key, c => c.Value));
        return transformation;
    }

    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);
}
