using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Tributary.Schemas.Protobuf;

/// <summary>
/// The files a Protobuf schema may import without a reference, as Confluent's registry resolves them itself: Google's
/// well-known types (<c>google/protobuf/*.proto</c>, from Google.Protobuf's own descriptors), <c>google/type/date.proto</c>
/// and <c>timeofday.proto</c>, and Confluent's <c>confluent/meta.proto</c> (field/message metadata, which
/// ProtobufConverter's <c>connect.type</c> parameters use) and <c>confluent/type/decimal.proto</c>. Built once; read-only.
/// </summary>
public static class WellKnownProtos
{
    private const string Date = """
        syntax = "proto3";
        package google.type;
        message Date {
          int32 year = 1;
          int32 month = 2;
          int32 day = 3;
        }
        """;

    private const string TimeOfDay = """
        syntax = "proto3";
        package google.type;
        message TimeOfDay {
          int32 hours = 1;
          int32 minutes = 2;
          int32 seconds = 3;
          int32 nanos = 4;
        }
        """;

    private const string Decimal = """
        syntax = "proto3";
        package confluent.type;
        message Decimal {
          bytes value = 1;
          uint32 precision = 2;
          int32 scale = 3;
        }
        """;

    private const string Meta = """
        syntax = "proto3";
        package confluent;
        import "google/protobuf/descriptor.proto";
        message Meta {
          string doc = 1;
          map<string, string> params = 2;
          repeated string tags = 3;
        }
        extend google.protobuf.FileOptions { Meta file_meta = 1088; }
        extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
        extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
        extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
        extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
        """;

    private static readonly Lazy<IReadOnlyDictionary<string, FileDescriptorProto>> LazyFiles = new(Build);

    /// <summary>The built-in files by import path.</summary>
    public static IReadOnlyDictionary<string, FileDescriptorProto> Files => LazyFiles.Value;

    private static Dictionary<string, FileDescriptorProto> Build()
    {
        var files = new Dictionary<string, FileDescriptorProto>(StringComparer.Ordinal);
        foreach (var descriptor in new[]
        {
            DescriptorReflection.Descriptor, TimestampReflection.Descriptor, DurationReflection.Descriptor,
            WrappersReflection.Descriptor, AnyReflection.Descriptor, EmptyReflection.Descriptor, StructReflection.Descriptor,
            FieldMaskReflection.Descriptor, SourceContextReflection.Descriptor, TypeReflection.Descriptor, ApiReflection.Descriptor,
        })
        {
            files[descriptor.Name] = descriptor.ToProto();
        }
        files["google/type/date.proto"] = ProtoParser.Parse(Date, "google/type/date.proto", files);
        files["google/type/timeofday.proto"] = ProtoParser.Parse(TimeOfDay, "google/type/timeofday.proto", files);
        files["confluent/type/decimal.proto"] = ProtoParser.Parse(Decimal, "confluent/type/decimal.proto", files);
        files["confluent/meta.proto"] = ProtoParser.Parse(Meta, "confluent/meta.proto", files);
        return files;
    }
}
