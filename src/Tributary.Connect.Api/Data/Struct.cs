using System.Collections;
using System.Text;
using Tributary.Connect.Errors;

namespace Tributary.Connect.Data;

/// <summary>
/// A value of a STRUCT schema (Kafka's <c>Struct</c>): one slot per field. <see cref="Put(string, object?)"/> checks
/// the value against the field's schema; getters return the field's default when the slot is empty;
/// <see cref="Validate"/> checks that every required field without a default has a value. Equal by schema and
/// values. Not thread-safe while being filled.
/// </summary>
public sealed class Struct : IEquatable<Struct>
{
    private readonly object?[] _values;

    public Struct(Schema schema)
    {
        if (schema.Type != SchemaType.Struct)
        {
            throw new DataException("Not a struct schema: " + schema);
        }
        Schema = schema;
        _values = new object?[schema.Fields.Count];
    }

    public Schema Schema { get; }

    /// <summary>The value of a field, or its default when unset; DataException for an unknown field.</summary>
    public object? Get(string fieldName) => Get(Lookup(fieldName));

    public object? Get(Field field)
    {
        var value = _values[CheckField(field).Index];
        return value ?? field.Schema.DefaultValue;
    }

    /// <summary>The value as set, without falling back to the default.</summary>
    public object? GetWithoutDefault(string fieldName) => _values[Lookup(fieldName).Index];

    public sbyte? GetInt8(string fieldName) => (sbyte?)GetChecked(fieldName, SchemaType.Int8);

    public short? GetInt16(string fieldName) => (short?)GetChecked(fieldName, SchemaType.Int16);

    public int? GetInt32(string fieldName) => (int?)GetChecked(fieldName, SchemaType.Int32);

    public long? GetInt64(string fieldName) => (long?)GetChecked(fieldName, SchemaType.Int64);

    public float? GetFloat32(string fieldName) => (float?)GetChecked(fieldName, SchemaType.Float32);

    public double? GetFloat64(string fieldName) => (double?)GetChecked(fieldName, SchemaType.Float64);

    public bool? GetBoolean(string fieldName) => (bool?)GetChecked(fieldName, SchemaType.Boolean);

    public string? GetString(string fieldName) => (string?)GetChecked(fieldName, SchemaType.String);

    public byte[]? GetBytes(string fieldName)
    {
        var value = GetChecked(fieldName, SchemaType.Bytes);
        return value is null ? null : ValueEquality.TryBytes(value, out var bytes) ? bytes.ToArray() : (byte[])value;
    }

    public IList? GetArray(string fieldName) => (IList?)GetChecked(fieldName, SchemaType.Array);

    public IDictionary? GetMap(string fieldName) => (IDictionary?)GetChecked(fieldName, SchemaType.Map);

    public Struct? GetStruct(string fieldName) => (Struct?)GetChecked(fieldName, SchemaType.Struct);

    /// <summary>Sets a field after checking the value against its schema; returns this struct for chaining.</summary>
    public Struct Put(string fieldName, object? value) => Put(Lookup(fieldName), value);

    public Struct Put(Field field, object? value)
    {
        CheckField(field);
        Schema.ValidateValue(field.Name, field.Schema, value);
        _values[field.Index] = value;
        return this;
    }

    /// <summary>DataException unless every field holds a value that fits (or is empty and optional or defaulted).</summary>
    public void Validate()
    {
        foreach (var field in Schema.Fields)
        {
            var value = _values[field.Index];
            if (value is null && (field.Schema.IsOptional || field.Schema.DefaultValue is not null))
            {
                continue;
            }
            Schema.ValidateValue(field.Name, field.Schema, value);
        }
    }

    private object? GetChecked(string fieldName, SchemaType type)
    {
        var field = Lookup(fieldName);
        if (field.Schema.Type != type)
        {
            throw new DataException($"Field '{fieldName}' is not of type {type.Name().ToUpperInvariant()}");
        }
        return Get(field);
    }

    private Field Lookup(string fieldName) =>
        Schema.Field(fieldName) ?? throw new DataException(fieldName + " is not a valid field name");

    private Field CheckField(Field field)
    {
        var own = Schema.Field(field.Name);
        if (own is null || own.Index != field.Index)
        {
            throw new DataException(field + " is not a valid field for this Struct's schema " + Schema);
        }
        return own;
    }

    public bool Equals(Struct? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || !Schema.Equals(other.Schema))
        {
            return false;
        }
        for (var i = 0; i < _values.Length; i++)
        {
            if (!ValueEquality.Equal(_values[i], other._values[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as Struct);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Schema);
        foreach (var value in _values)
        {
            hash.Add(ValueEquality.Hash(value));
        }
        return hash.ToHashCode();
    }

    /// <summary>Kafka's form: <c>Struct{name=a,count=3}</c> (unset fields left out).</summary>
    public override string ToString()
    {
        var text = new StringBuilder("Struct{");
        var first = true;
        foreach (var field in Schema.Fields)
        {
            var value = _values[field.Index];
            if (value is null)
            {
                continue;
            }
            if (!first)
            {
                text.Append(',');
            }
            first = false;
            text.Append(field.Name).Append('=').Append(ValueText(value));
        }
        return text.Append('}').ToString();
    }

    private static string ValueText(object value) => ValueEquality.TryBytes(value, out var bytes) ? "[B@" + Convert.ToHexString(bytes) : value.ToString() ?? "";
}
