using Tributary.Cdc.MySql.Values;
using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// A captured table's Debezium record shapes (<see cref="CapturedTableShape{TRaw}"/>) from its definition: every
/// non-excluded column with one <see cref="ColumnConverter"/> each, the key of the primary key columns (required).
/// Rows arrive as raw values in column order. Built once per table definition; immutable; thread-safe.
/// </summary>
public sealed class CapturedTable(TableDefinition definition, string topic, ValueModes modes, Func<string, bool> columnExcluded)
    : CapturedTableShape<object>(topic, definition.Database + "." + definition.Table, MySqlSource.Schema,
        Columns(definition, modes, columnExcluded), KeyColumns(definition, modes, columnExcluded))
{
    public TableDefinition Definition { get; } = definition;

    public int ColumnCount => Definition.Columns.Count;

    private static IEnumerable<ShapeColumn<object>> Columns(TableDefinition definition, ValueModes modes, Func<string, bool> columnExcluded)
    {
        for (var i = 0; i < definition.Columns.Count; i++)
        {
            var column = definition.Columns[i];
            if (!columnExcluded(column.Name))
            {
                var converter = ColumnConverter.For(column, modes);
                yield return new ShapeColumn<object>(i, column.Name, converter.Schema, converter);
            }
        }
    }

    /// <summary>The key's columns: an excluded key column still keys the record, converted with the default modes.</summary>
    private static IEnumerable<ShapeColumn<object>> KeyColumns(TableDefinition definition, ValueModes modes, Func<string, bool> columnExcluded)
    {
        foreach (var name in definition.PrimaryKey)
        {
            var index = definition.Columns.ToList().FindIndex(c => c.Name == name);
            var column = definition.Columns[index];
            var schema = SchemaBuilder.From(ColumnConverter.For(column, modes).Schema).Required().Build();
            yield return new ShapeColumn<object>(index, column.Name, schema, ColumnConverter.For(column, columnExcluded(column.Name) ? new ValueModes() : modes));
        }
    }
}
