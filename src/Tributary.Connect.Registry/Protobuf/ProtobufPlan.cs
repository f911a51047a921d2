using Tributary.Connect.Data;

namespace Tributary.Connect.Registry.Protobuf;

/// <summary>How one field's value is written and read: the protobuf encoding and the Connect form.</summary>
internal enum ProtobufKind
{
    Int32,
    Int64,
    UInt32,
    UInt64,
    SInt32,
    SInt64,
    Fixed32,
    Fixed64,
    SFixed32,
    SFixed64,
    Float,
    Double,
    Bool,
    String,
    Bytes,

    /// <summary>An enum number; a Connect STRING (the constant's name) or, with <c>int.for.enums</c>, INT32 (the number).</summary>
    Enum,

    /// <summary>A nested message; a Connect struct.</summary>
    Message,

    /// <summary>A map field (repeated entry messages with key 1 and value 2); a Connect map.</summary>
    Map,

    /// <summary>A google.protobuf.*Value wrapper (field 1 holds the value); a nullable Connect primitive.</summary>
    Wrapper,

    /// <summary>confluent.type.Decimal {bytes value = 1; uint32 precision = 2; int32 scale = 3}; a Connect Decimal.</summary>
    Decimal,

    /// <summary>google.type.Date {year, month, day}; a Connect Date.</summary>
    Date,

    /// <summary>google.type.TimeOfDay {hours, minutes, seconds, nanos}; a Connect Time.</summary>
    Time,

    /// <summary>google.protobuf.Timestamp {int64 seconds, int32 nanos}; a Connect Timestamp.</summary>
    Timestamp,

    /// <summary>A oneof: a Connect struct <c>io.confluent.connect.protobuf.Union.NAME</c> with one optional field per member; no number of its own.</summary>
    Oneof,
}

/// <summary>
/// One field of a message plan: its number and precomputed tag, encoding, the Connect field it reads or fills, and for
/// messages, maps and wrappers the plans inside. Built once per schema; immutable once built, shared (a record so that a
/// write plan can be bound to the caller's Connect fields by copying).
/// </summary>
internal sealed record ProtobufFieldPlan
{
    public required int Number { get; init; }

    public required ProtobufKind Kind { get; init; }

    public required Field Connect { get; init; }

    public bool Repeated { get; init; }

    /// <summary>Repeated scalars written packed (proto3's default).</summary>
    public bool Packed { get; init; }

    /// <summary>A proto3 scalar without presence: its default value is not written.</summary>
    public bool SkipDefault { get; init; }

    /// <summary>The message of a Message field.</summary>
    public ProtobufMessagePlan? Message { get; set; }

    /// <summary>The key (number 1) and value (number 2) of a Map field; the value (number 1) of a Wrapper.</summary>
    public ProtobufFieldPlan? Key { get; init; }

    public ProtobufFieldPlan? Value { get; init; }

    /// <summary>The enum constants by number and by name (Enum fields).</summary>
    public IReadOnlyDictionary<int, string>? EnumNames { get; init; }

    public IReadOnlyDictionary<string, int>? EnumNumbers { get; init; }

    /// <summary>The element of a repeated field (what a message or logical element is read as).</summary>
    public Field? ElementConnect { get; init; }

    /// <summary>For a Oneof: its name in the .proto and its members (their plans' Connect fields are the union struct's).</summary>
    public string? OneofName { get; init; }

    public ProtobufFieldPlan[] Members { get; init; } = [];

    /// <summary>For a member of a oneof: the oneof (reading puts the member's value into the oneof's union struct).</summary>
    public ProtobufFieldPlan? Oneof { get; set; }

    /// <summary>INT8/INT16 Connect fields carried as int32.</summary>
    public SchemaType ConnectType => ValueSchema.Type;

    /// <summary>The Connect schema of one value: the element's for a repeated field, the field's otherwise.</summary>
    public Schema ValueSchema => ElementConnect?.Schema ?? Connect.Schema;
}

/// <summary>A message: its Connect struct schema and its fields in number order of declaration.</summary>
internal sealed class ProtobufMessagePlan
{
    public required Schema Connect { get; init; }

    public required ProtobufFieldPlan[] Fields { get; init; }

    /// <summary>Fields by number, for reading (a oneof's members by theirs).</summary>
    public Dictionary<int, ProtobufFieldPlan> ByNumber { get; } = [];
}
