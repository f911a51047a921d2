using System.Text;
using Tributary.Registry.Store;
using Tributary.Schemas;

namespace Tributary.Registry.Tests;

/// <summary>Golden bytes of the `_schemas` records (Confluent's key/value formats; docs/formats/schemas-topic.md).</summary>
public sealed class RecordFormatTests
{
    [Fact]
    public void Keys_and_values_have_the_registry_layout()
    {
        Assert.Equal("""{"keytype":"SCHEMA","subject":"t-value","version":3,"magic":1}""", Encoding.UTF8.GetString(RegistryRecords.SchemaKey("t-value", 3)));
        Assert.Equal("""{"keytype":"CONFIG","subject":null,"magic":0}""", Encoding.UTF8.GetString(RegistryRecords.ConfigKey(null)));
        Assert.Equal("""{"keytype":"MODE","subject":"s","magic":0}""", Encoding.UTF8.GetString(RegistryRecords.ModeKey("s")));
        Assert.Equal("""{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}""", Encoding.UTF8.GetString(RegistryRecords.DeleteSubjectKey("s")));
        Assert.Equal("""{"compatibilityLevel":"FULL"}""", Encoding.UTF8.GetString(RegistryRecords.ConfigValue("FULL")));
        var value = new SchemaVersionRecord("t-value", 3, 7, SchemaTypes.Json, [new SchemaReference("r", "other", 1)], """{"type":"object"}""", false);
        Assert.Equal("""{"subject":"t-value","version":3,"id":7,"schemaType":"JSON","references":[{"name":"r","subject":"other","version":1}],"schema":"{\"type\":\"object\"}","deleted":false}""", Encoding.UTF8.GetString(RegistryRecords.SchemaValue(value)));
    }

    [Fact]
    public void Records_decode_what_they_encode_and_skip_unknown_key_types()
    {
        var value = new SchemaVersionRecord("s", 1, 2, null, [], """{"type":"string"}""", true);
        var decoded = Assert.IsType<SchemaRecord>(RegistryRecords.Decode(RegistryRecords.SchemaKey("s", 1), RegistryRecords.SchemaValue(value), true));
        Assert.Equal(value with { References = decoded.Value!.References }, decoded.Value);
        Assert.Null(Assert.IsType<SchemaRecord>(RegistryRecords.Decode(RegistryRecords.SchemaKey("s", 1), default, false)).Value);
        Assert.Null(RegistryRecords.Decode("""{"keytype":"NOOP","magic":0}"""u8, "{}"u8, true));
    }
}
