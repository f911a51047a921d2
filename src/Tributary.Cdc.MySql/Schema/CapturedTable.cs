using Tributary.Cdc.MySql.Values;
using Tributary.Connect.Data;

namespace Tributary.Cdc.MySql.Schema;

/// <summary>
/// A captured table's Debezium record shapes (<see cref="CapturedTableShape{TRaw}"/>) from its definition: every
/// non-excluded column with one <see cref="ColumnConverter"/> each; the key of the columns <c>message.key.columns</c>
/// names for the table, else of <see cref="TableDefinition.KeyColumns"/> (the primary key, or the UNIQUE index standing
/// in for it), else none. Rows arrive as raw values in column order. Built once per table definition; immutable; thread-safe.
/// </summary>
public sealed class CapturedTable(TableDefinition definition, string topic, ValueModes modes, Func<string, bool> columnExcluded, MessageKeyColumns messageKeys)
    : CapturedTableShape<object>(topic, definition.Database + "." + definition.Table, MySqlSource.Schema,
        Columns(definition, modes, columnExcluded), KeyColumns(definition, modes, columnExcluded, messageKeys))
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

    /// <summary>
    /// The key's columns: an excluded key column still keys the record, converted with the default modes. A field is
    /// optional where its column is nullable (only <c>message.key.columns</c> can name one), as Debezium builds key
    /// fields from the columns.
    /// </summary>
    private static IEnumerable<ShapeColumn<object>> KeyColumns(TableDefinition definition, ValueModes modes, Func<string, bool> columnExcluded, MessageKeyColumns messageKeys)
    {
        var indexes = messageKeys.For(definition.Database, definition.Table, [.. definition.Columns.Select(c => c.Name)])
                      ?? [.. definition.KeyColumns.Select(definition.IndexOf)];
        foreach (var index in indexes)
        {
            var column = definition.Columns[index];
            var field = SchemaBuilder.From(ColumnConverter.For(column, modes).Schema);
            var schema = (column.Nullable ? field.Optional() : field.Required()).Build();
            yield return new ShapeColumn<object>(index, column.Name, schema, ColumnConverter.For(column, columnExcluded(column.Name) ? new ValueModes() : modes));
        }
    }
}
