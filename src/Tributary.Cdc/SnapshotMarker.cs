using Tributary.Connect.Data;

namespace Tributary.Cdc;

/// <summary>
/// The <c>source.snapshot</c> field: an <c>io.debezium.data.Enum</c> string (version 1) whose allowed values are
/// Debezium 3.1's list, default <c>false</c>. Streaming events leave it null; JsonConverter then writes the default
/// (<c>"false"</c>), as Kafka does with <c>replace.null.with.default=true</c>.
/// </summary>
public enum SnapshotMarker
{
    /// <summary>Streaming: the field stays null.</summary>
    None,
    True,
    First,
    FirstInDataCollection,
    LastInDataCollection,
    Last,
    Incremental,
}

public static class SnapshotMarkers
{
    public const string Allowed = "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";

    public static Schema Schema { get; } = SchemaBuilder.String().Name("io.debezium.data.Enum").Version(1)
        .Parameter("allowed", Allowed).DefaultValue("false").Optional().Build();

    public static string? Text(SnapshotMarker marker) => marker switch
    {
        SnapshotMarker.None => null,
        SnapshotMarker.True => "true",
        SnapshotMarker.First => "first",
        SnapshotMarker.FirstInDataCollection => "first_in_data_collection",
        SnapshotMarker.LastInDataCollection => "last_in_data_collection",
        SnapshotMarker.Last => "last",
        SnapshotMarker.Incremental => "incremental",
        _ => throw new ArgumentOutOfRangeException(nameof(marker)),
    };

    /// <summary>
    /// The marker of row <paramref name="rowIndex"/> (<paramref name="lastRowOfTable"/> when it ends its table) in table <paramref name="tableIndex"/>
    /// of <paramref name="tableCount"/> (Debezium's RelationalSnapshotChangeEventSource#setSnapshotMarker): the first
    /// row overall is <c>first</c>, the last overall <c>last</c> (which wins when one row is both), else the first/last of a table say so, others <c>true</c>.
    /// </summary>
    public static SnapshotMarker For(int tableIndex, int tableCount, long rowIndex, bool lastRowOfTable)
    {
        var firstTable = tableIndex == 0;
        var lastTable = tableIndex == tableCount - 1;
        // The end of the snapshot wins over its start: a one-row snapshot ends with `last`, which consumers wait for.
        if (lastTable && lastRowOfTable)
        {
            return SnapshotMarker.Last;
        }
        if (firstTable && rowIndex == 0)
        {
            return SnapshotMarker.First;
        }
        if (rowIndex == 0)
        {
            return SnapshotMarker.FirstInDataCollection;
        }
        return lastRowOfTable ? SnapshotMarker.LastInDataCollection : SnapshotMarker.True;
    }
}
