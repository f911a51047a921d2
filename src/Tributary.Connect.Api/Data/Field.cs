namespace Tributary.Connect.Data;

/// <summary>A field of a STRUCT schema: its name, its position (0-based) and its schema. Immutable; equal by all three.</summary>
public sealed class Field(string name, int index, Schema schema) : IEquatable<Field>
{
    public string Name { get; } = name;

    public int Index { get; } = index;

    public Schema Schema { get; } = schema;

    public bool Equals(Field? other) =>
        other is not null && Name == other.Name && Index == other.Index && Schema.Equals(other.Schema);

    public override bool Equals(object? obj) => Equals(obj as Field);

    public override int GetHashCode() => HashCode.Combine(Name, Index, Schema);

    public override string ToString() => $"Field{{name={Name}, index={Index}, schema={Schema}}}";
}
