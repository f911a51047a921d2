using Tributary.Connect.Data;
using Tributary.Connect.Source;

namespace Tributary.Cdc;

/// <summary>
/// Debezium's transaction metadata (<c>provide.transaction.metadata=true</c>, TransactionMonitor): a transaction with
/// captured changes opens with a BEGIN record and closes with an END record on <c>&lt;prefix&gt;.transaction</c> (key
/// <c>io.debezium.connector.common.TransactionMetadataKey</c> {id}, value <c>…TransactionMetadataValue</c> {status,
/// id, event_count, data_collections, ts_ms}), and each change event of it carries the envelope's
/// <c>transaction</c> block {id, total_order, data_collection_order} (both orders count from 1). BEGIN is written
/// before the transaction's first captured change, so transactions without one write nothing. END lists the events
/// per table (<c>event.collection</c> {data_collection, event_count}) in the order Debezium's HashMap gives.
/// Used by the reader task only.
/// </summary>
public sealed class TransactionMetadata(TopicNaming naming, IReadOnlyDictionary<string, object?> partition)
{
    public static Schema KeySchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.common.TransactionMetadataKey").Version(1)
        .Field("id", SchemaBuilder.String().Build()).Build();

    public static Schema CollectionSchema { get; } = SchemaBuilder.Struct().Name("event.collection").Version(1)
        .Field("data_collection", SchemaBuilder.String().Build())
        .Field("event_count", SchemaBuilder.Int64().Build()).Optional().Build();

    public static Schema ValueSchema { get; } = SchemaBuilder.Struct().Name("io.debezium.connector.common.TransactionMetadataValue").Version(1)
        .Field("status", SchemaBuilder.String().Build())
        .Field("id", SchemaBuilder.String().Build())
        .Field("event_count", SchemaBuilder.Int64().Optional().Build())
        .Field("data_collections", SchemaBuilder.Array(CollectionSchema).Optional().Build())
        .Field("ts_ms", SchemaBuilder.Int64().Build()).Build();

    private readonly List<(string Collection, long Count)> _collections = [];
    private string? _id;
    private long _total;

    /// <summary>The transaction in progress (BEGIN written, END not yet), or null.</summary>
    public string? CurrentId => _id;

    /// <summary>
    /// The BEGIN record of transaction <paramref name="id"/> when it is not the one in progress (null when it is);
    /// a transaction still open is ended first, its END returned in <paramref name="endOfPrevious"/>.
    /// </summary>
    public SourceRecord? Begin(string id, long timestampMs, IReadOnlyDictionary<string, object?> offset, out SourceRecord? endOfPrevious)
    {
        endOfPrevious = null;
        if (_id == id)
        {
            return null;
        }
        if (_id is not null)
        {
            endOfPrevious = End(timestampMs, offset);
        }
        _id = id;
        _total = 0;
        _collections.Clear();
        return Record(offset, new Struct(ValueSchema).Put("status", "BEGIN").Put("id", id).Put("ts_ms", timestampMs));
    }

    /// <summary>The <c>transaction</c> block of the next change event of the transaction in progress, on <paramref name="dataCollection"/>.</summary>
    public Struct? NextBlock(string dataCollection)
    {
        if (_id is null)
        {
            return null;
        }
        _total++;
        var index = _collections.FindIndex(c => c.Collection == dataCollection);
        long order;
        if (index < 0)
        {
            _collections.Add((dataCollection, 1));
            order = 1;
        }
        else
        {
            order = _collections[index].Count + 1;
            _collections[index] = (dataCollection, order);
        }
        return new Struct(Envelope.TransactionBlockSchema).Put("id", _id).Put("total_order", _total).Put("data_collection_order", order);
    }

    /// <summary>The END record of the transaction in progress, or null when none is (nothing was captured in it).</summary>
    public SourceRecord? End(long timestampMs, IReadOnlyDictionary<string, object?> offset)
    {
        if (_id is not { } id)
        {
            return null;
        }
        var collections = JavaHashMap.Order(_collections, c => c.Collection)
            .Select(c => (object?)new Struct(CollectionSchema).Put("data_collection", c.Collection).Put("event_count", c.Count)).ToList();
        var record = Record(offset, new Struct(ValueSchema).Put("status", "END").Put("id", id).Put("event_count", _total)
            .Put("data_collections", collections).Put("ts_ms", timestampMs));
        _id = null;
        return record;
    }

    /// <summary>Forgets the transaction in progress without an END (the stream restarts and will send it again).</summary>
    public void Reset() => _id = null;

    /// <summary>
    /// The transaction in progress as an offset keeps it once <paramref name="upcoming"/> more events on
    /// <paramref name="dataCollection"/> are counted (the events of the record whose offset this is); null when none is in progress.
    /// </summary>
    public TransactionProgress? Progress(string dataCollection, int upcoming)
    {
        if (_id is not { } id)
        {
            return null;
        }
        var counts = new List<(string Collection, long Count)>(_collections);
        var index = counts.FindIndex(c => c.Collection == dataCollection);
        if (index < 0)
        {
            counts.Add((dataCollection, upcoming));
        }
        else
        {
            counts[index] = (dataCollection, counts[index].Count + upcoming);
        }
        return new TransactionProgress(id, counts);
    }

    /// <summary>
    /// Continues the transaction a stored offset was in (null: none): its BEGIN is not written again and its orders and
    /// counts go on from the stored ones, as Debezium's TransactionContext.load does after a restart.
    /// </summary>
    public void Restore(TransactionProgress? progress)
    {
        _id = progress?.Id;
        _collections.Clear();
        _total = 0;
        if (progress is not null)
        {
            foreach (var count in progress.Counts)
            {
                _collections.Add(count);
                _total += count.Count;
            }
        }
    }

    private SourceRecord Record(IReadOnlyDictionary<string, object?> offset, Struct value) =>
        new(partition, offset, naming.TransactionTopic, null, KeySchema, new Struct(KeySchema).Put("id", value.Get("id")), ValueSchema, value);
}

/// <summary>
/// A transaction's progress in an offset under Debezium's keys (TransactionContext#store): <c>transaction_id</c> and,
/// per data collection, <c>transaction_data_collection_order_&lt;collection&gt;</c> = its events so far; the total is
/// their sum. Immutable.
/// </summary>
public sealed record TransactionProgress(string Id, IReadOnlyList<(string Collection, long Count)> Counts)
{
    public const string IdKey = "transaction_id";
    public const string CountPrefix = "transaction_data_collection_order_";

    public void WriteTo(IDictionary<string, object?> offset)
    {
        offset[IdKey] = Id;
        foreach (var (collection, count) in Counts)
        {
            offset[CountPrefix + collection] = count;
        }
    }

    /// <summary>The progress a stored offset holds; null when it names no transaction.</summary>
    public static TransactionProgress? ReadFrom(IReadOnlyDictionary<string, object?> offset)
    {
        if (!offset.TryGetValue(IdKey, out var id) || id is not string text)
        {
            return null;
        }
        var counts = offset.Where(p => p.Key.StartsWith(CountPrefix, StringComparison.Ordinal) && p.Value is not null)
            .Select(p => (p.Key[CountPrefix.Length..], SourceOffsets.Long(offset, p.Key)!.Value)).ToList();
        return new TransactionProgress(text, counts);
    }
}
