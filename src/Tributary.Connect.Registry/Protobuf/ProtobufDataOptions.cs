namespace Tributary.Connect.Registry.Protobuf;

/// <summary>
/// The options of Confluent's ProtobufData this converter honours (<see cref="ProtobufConverterConfig"/> gives them
/// from the converter's settings; defaults are Confluent's). Immutable.
/// </summary>
internal sealed record ProtobufDataOptions
{
    /// <summary><c>wrapper.for.nullables</c>: optional Connect primitives are written as google.protobuf wrappers.</summary>
    public bool WrapperForNullables { get; init; }

    /// <summary><c>optional.for.nullables</c>: optional Connect fields are written as proto3 <c>optional</c>.</summary>
    public bool OptionalForNullables { get; init; }

    /// <summary><c>int.for.enums</c>: enums read as INT32 (the number) instead of STRING (the constant's name).</summary>
    public bool IntForEnums { get; init; }

    /// <summary><c>generate.index.for.unions</c>: a oneof's Connect field is <c>NAME_INDEX</c> rather than <c>NAME</c>.</summary>
    public bool GenerateIndexForUnions { get; init; } = true;

    /// <summary>
    /// <c>enhanced.protobuf.schema.support</c>: messages, enums and oneofs read as Connect names with their package
    /// (<c>shop.Order</c>, <c>io.confluent.connect.protobuf.Union.shop.Payment.method</c>) instead of their own name.
    /// </summary>
    public bool EnhancedSchemaSupport { get; init; }
}
