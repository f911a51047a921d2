using Tributary.Cdc.Postgres.Values;
using Tributary.Connect.Data;

namespace Tributary.Cdc.Postgres.Schema;

/// <summary>
/// A captured table's Debezium record shapes: the data topic, the key struct (<c>…Key</c>, primary key columns in key
/// order, null without a primary key), the row struct (<c>…Value</c>, optional, every column neither excluded nor of a
/// type Debezium drops) and the envelope. Rows arrive as the columns' text in <see cref="TableDefinition"/> order, an
/// unchanged TOASTed value as <see cref="UnchangedToast"/>. Built once per table definition; immutable; thread-safe.
/// </summary>
public sealed class CapturedTable
{
    /// <summary>The marker (compared by reference) for a value pgoutput left out because it is TOASTed and unchanged.</summary>
    public static readonly string UnchangedToast = new('u', 1);

    private readonly ColumnConverter?[] _converters;
    private readonly int[] _keyColumns;
    private readonly ColumnConverter[] _keyConverters;

    public CapturedTable(TableDefinition definition, string topic, ValueModes modes, Func<string, bool> columnExcluded)
    {
        Definition = definition;
        Topic = topic;
        _converters = new ColumnConverter?[definition.Columns.Count];
        var row = SchemaBuilder.Struct().Name(TopicNaming.ValueSchemaName(topic)).Optional();
        for (var i = 0; i < definition.Columns.Count; i++)
        {
            var column = definition.Columns[i];
            if (columnExcluded(column.Name) || ColumnConverter.For(column, modes) is not { } converter)
            {
                continue;
            }
            _converters[i] = converter;
            row.Field(column.Name, converter.Schema);
        }
        RowSchema = row.Build();
        _keyColumns = [.. Enumerable.Range(0, definition.Columns.Count).Where(i => definition.Columns[i].KeyPosition >= 0).OrderBy(i => definition.Columns[i].KeyPosition)];
        _keyConverters = [.. _keyColumns.Select(i => ColumnConverter.For(definition.Columns[i] with { NotNull = true }, modes)!)];
        if (_keyColumns.Length > 0)
        {
            var key = SchemaBuilder.Struct().Name(TopicNaming.KeySchemaName(topic));
            foreach (var converter in _keyConverters)
            {
                key.Field(converter.Column.Name, converter.Schema);
            }
            KeySchema = key.Build();
        }
        Envelope = Envelope.Define(TopicNaming.EnvelopeSchemaName(topic), RowSchema, PostgresSource.Schema);
    }

    public TableDefinition Definition { get; }

    public string Topic { get; }

    public Connect.Data.Schema? KeySchema { get; }

    public Connect.Data.Schema RowSchema { get; }

    public Envelope Envelope { get; }

    public int ColumnCount => Definition.Columns.Count;

    /// <summary>The row struct of the columns' text in definition order.</summary>
    public Struct Row(string?[] text)
    {
        var row = new Struct(RowSchema);
        for (var i = 0; i < _converters.Length; i++)
        {
            if (_converters[i] is { } converter)
            {
                var value = text[i];
                row.Put(converter.Column.Name, ReferenceEquals(value, UnchangedToast) ? converter.Unavailable() : converter.Convert(value));
            }
        }
        return row;
    }

    /// <summary>The key struct, or null for a table without a primary key.</summary>
    public Struct? Key(string?[] text)
    {
        if (KeySchema is null)
        {
            return null;
        }
        var key = new Struct(KeySchema);
        for (var k = 0; k < _keyColumns.Length; k++)
        {
            key.Put(_keyConverters[k].Column.Name, _keyConverters[k].Convert(text[_keyColumns[k]]));
        }
        return key;
    }
}
