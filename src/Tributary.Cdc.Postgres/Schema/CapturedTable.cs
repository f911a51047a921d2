using Tributary.Cdc.Postgres.Values;

namespace Tributary.Cdc.Postgres.Schema;

/// <summary>
/// A captured table's Debezium record shapes (<see cref="CapturedTableShape{TRaw}"/>) from its catalog definition:
/// every column neither excluded nor of a type Debezium drops, the key (<see cref="TableDefinition"/>: the primary key, else
/// Debezium's unique index) in key order, or the columns <c>message.key.columns</c> names for the table. Rows arrive as the columns' text in <see cref="TableDefinition"/>
/// order, an unchanged TOASTed value as <see cref="UnchangedToast"/>. Built once per table definition; immutable; thread-safe.
/// </summary>
public sealed class CapturedTable(TableDefinition definition, string topic, ValueModes modes, Func<string, bool> columnExcluded, MessageKeyColumns messageKeys)
    : CapturedTableShape<string>(topic, definition.Schema + "." + definition.Table, PostgresSource.Schema,
        Columns(definition, modes, columnExcluded), KeyColumns(definition, modes, messageKeys))
{
    /// <summary>The marker (compared by reference) for a value pgoutput left out because it is TOASTed and unchanged.</summary>
    public static readonly string UnchangedToast = new('u', 1);

    public TableDefinition Definition { get; } = definition;

    public int ColumnCount => Definition.Columns.Count;

    /// <summary>The table key's columns (indexes into a row) in key order; empty when the table has no key.</summary>
    public IReadOnlyList<int> KeyColumnIndexes { get; } = [.. Enumerable.Range(0, definition.Columns.Count)
        .Where(i => definition.Columns[i].KeyPosition >= 0).OrderBy(i => definition.Columns[i].KeyPosition)];

    /// <summary>
    /// Whether the table can be read in key order chunks: it has a key and none of its columns is nullable (a unique
    /// index may hold NULLs, which a row comparison with the last chunk's key never reaches).
    /// </summary>
    public bool KeyOrdersEveryRow => KeyColumnIndexes.Count > 0 && KeyColumnIndexes.All(i => Definition.Columns[i].NotNull);

    /// <summary>The key columns' text joined by U+0001: identifies a row across the stream and a snapshot chunk.</summary>
    public string KeyText(string?[] row) => string.Join('\u0001', KeyColumnIndexes.Select(i => row[i] ?? ""));

    private static IEnumerable<ShapeColumn<string>> Columns(TableDefinition definition, ValueModes modes, Func<string, bool> columnExcluded)
    {
        for (var i = 0; i < definition.Columns.Count; i++)
        {
            var column = definition.Columns[i];
            if (!columnExcluded(column.Name) && ColumnConverter.For(column, modes) is { } converter)
            {
                yield return new ShapeColumn<string>(i, column.Name, converter.Schema, converter);
            }
        }
    }

    /// <summary>
    /// The record key: the table key's columns, or the <c>message.key.columns</c> the table matches; a field is optional
    /// where its column is nullable, as Debezium builds key fields from the columns (a primary key's never are; a
    /// unique index's may be).
    /// </summary>
    private static IEnumerable<ShapeColumn<string>> KeyColumns(TableDefinition definition, ValueModes modes, MessageKeyColumns messageKeys)
    {
        var custom = messageKeys.For(definition.Schema, definition.Table, [.. definition.Columns.Select(c => c.Name)]);
        var indexes = custom ?? [.. Enumerable.Range(0, definition.Columns.Count)
            .Where(i => definition.Columns[i].KeyPosition >= 0)
            .OrderBy(i => definition.Columns[i].KeyPosition)];
        foreach (var i in indexes)
        {
            var column = custom is null && definition.KeyIsPrimaryKey ? definition.Columns[i] with { NotNull = true } : definition.Columns[i];
            if (ColumnConverter.For(column, modes) is { } converter)
            {
                yield return new ShapeColumn<string>(i, converter.Column.Name, converter.Schema, converter);
            }
        }
    }
}
