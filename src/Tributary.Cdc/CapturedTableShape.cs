using Tributary.Connect.Data;

namespace Tributary.Cdc;

/// <summary>Turns one column's raw value (as a connector reads it) into its Connect value.</summary>
public interface IColumnValues<in TRaw>
{
    object? Convert(TRaw? raw);
}

/// <summary>A column of a record shape: its index in the raw row, its field name and schema, and its conversion.</summary>
public readonly record struct ShapeColumn<TRaw>(int Index, string Name, Connect.Data.Schema Schema, IColumnValues<TRaw> Values);

/// <summary>
/// A captured table's Debezium record shapes: the data topic, the key struct (<c>…Key</c>, the primary key columns in
/// key order, no key without a primary key), the row struct (<c>…Value</c>, optional, the captured columns) and the
/// envelope with the connector's source block. Rows arrive as arrays of raw values in the table's column order. Built
/// once per table definition; immutable; thread-safe.
/// </summary>
public abstract class CapturedTableShape<TRaw>
{
    private readonly ShapeColumn<TRaw>[] _columns;
    private readonly ShapeColumn<TRaw>[] _key;

    protected CapturedTableShape(string topic, string dataCollection, Connect.Data.Schema sourceSchema, IEnumerable<ShapeColumn<TRaw>> columns, IEnumerable<ShapeColumn<TRaw>> keyColumns)
    {
        Topic = topic;
        DataCollection = dataCollection;
        _columns = [.. columns];
        _key = [.. keyColumns];
        var row = SchemaBuilder.Struct().Name(TopicNaming.ValueSchemaName(topic)).Optional();
        foreach (var column in _columns)
        {
            row.Field(column.Name, column.Schema);
        }
        RowSchema = row.Build();
        if (_key.Length > 0)
        {
            var key = SchemaBuilder.Struct().Name(TopicNaming.KeySchemaName(topic));
            foreach (var column in _key)
            {
                key.Field(column.Name, column.Schema);
            }
            KeySchema = key.Build();
        }
        Envelope = Envelope.Define(TopicNaming.EnvelopeSchemaName(topic), RowSchema, sourceSchema);
    }

    public string Topic { get; }

    /// <summary>The table's name in transaction metadata, <c>&lt;db or schema&gt;.&lt;table&gt;</c>.</summary>
    public string DataCollection { get; }

    public Connect.Data.Schema? KeySchema { get; }

    public Connect.Data.Schema RowSchema { get; }

    public Envelope Envelope { get; }

    /// <summary>The row struct of raw values in column order.</summary>
    public Struct Row(TRaw?[] raw)
    {
        var row = new Struct(RowSchema);
        foreach (var column in _columns)
        {
            row.Put(column.Name, column.Values.Convert(raw[column.Index]));
        }
        return row;
    }

    /// <summary>The key struct of raw values, or null for a table without a primary key.</summary>
    public Struct? Key(TRaw?[] raw)
    {
        if (KeySchema is null)
        {
            return null;
        }
        var key = new Struct(KeySchema);
        foreach (var column in _key)
        {
            key.Put(column.Name, column.Values.Convert(raw[column.Index]));
        }
        return key;
    }
}
