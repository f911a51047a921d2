using Tributary.Cdc.MySql.Values;
using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// A captured table's Debezium record shapes: the data topic, the key struct (<c>…Key</c>, primary key columns, null
/// without a primary key), the row struct (<c>…Value</c>, optional, every non-excluded column) and the envelope, with
/// one <see cref="ColumnConverter"/> per column. Built once per table definition; immutable; thread-safe.
/// </summary>
public sealed class CapturedTable
{
    private readonly ColumnConverter?[] _converters;
    private readonly int[] _keyColumns;

    public CapturedTable(TableDefinition definition, string topic, ValueModes modes, Func<string, bool> columnExcluded)
    {
        Definition = definition;
        Topic = topic;
        _converters = new ColumnConverter?[definition.Columns.Count];
        var row = SchemaBuilder.Struct().Name(TopicNaming.ValueSchemaName(topic)).Optional();
        for (var i = 0; i < definition.Columns.Count; i++)
        {
            var column = definition.Columns[i];
            if (columnExcluded(column.Name))
            {
                continue;
            }
            _converters[i] = ColumnConverter.For(column, modes);
            row.Field(column.Name, _converters[i]!.Schema);
        }
        RowSchema = row.Build();
        _keyColumns = [.. definition.PrimaryKey.Select(name => definition.Columns.ToList().FindIndex(c => c.Name == name))];
        if (_keyColumns.Length > 0)
        {
            var key = SchemaBuilder.Struct().Name(TopicNaming.KeySchemaName(topic));
            foreach (var index in _keyColumns)
            {
                key.Field(definition.Columns[index].Name, SchemaBuilder.From(ColumnConverter.For(definition.Columns[index], modes).Schema).Required().Build());
            }
            KeySchema = key.Build();
        }
        Envelope = Envelope.Define(TopicNaming.EnvelopeSchemaName(topic), RowSchema, MySqlSource.Schema);
    }

    public TableDefinition Definition { get; }

    public string Topic { get; }

    public Connect.Data.Schema? KeySchema { get; }

    public Connect.Data.Schema RowSchema { get; }

    public Envelope Envelope { get; }

    public int ColumnCount => Definition.Columns.Count;

    /// <summary>The row struct of raw values in column order.</summary>
    public Struct Row(object?[] raw)
    {
        var row = new Struct(RowSchema);
        for (var i = 0; i < _converters.Length; i++)
        {
            if (_converters[i] is { } converter)
            {
                row.Put(converter.Column.Name, converter.Convert(raw[i]));
            }
        }
        return row;
    }

    /// <summary>The key struct of raw values, or null for a table without a primary key.</summary>
    public Struct? Key(object?[] raw)
    {
        if (KeySchema is null)
        {
            return null;
        }
        var key = new Struct(KeySchema);
        foreach (var index in _keyColumns)
        {
            var column = Definition.Columns[index];
            key.Put(column.Name, (_converters[index] ?? ColumnConverter.For(column, new ValueModes())).Convert(raw[index]));
        }
        return key;
    }
}
