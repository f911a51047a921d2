using Tributary.Connect.Source;

namespace Tributary.Connect.Runtime.Storage;

/// <summary>
/// The in-memory half of an offset store: committed offsets and staged puts, keyed by the exact key text of
/// Connect's offsets topic (<see cref="OffsetKeys"/>). <see cref="FlushAsync"/> moves the staged puts to the committed
/// map and hands them to <see cref="PersistAsync"/> (a file, the offsets topic). Thread-safe (one lock; flushes
/// serialised).
/// </summary>
public abstract class OffsetStoreBase : IOffsetStore
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly Dictionary<string, string?> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _pending = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="changes"/> durable; <paramref name="committed"/> is every committed offset after them.</summary>
    protected abstract Task PersistAsync(IReadOnlyDictionary<string, string?> changes, IReadOnlyDictionary<string, string?> committed, CancellationToken cancellationToken);

    /// <summary>Records a committed offset read from storage (null value: the partition was removed).</summary>
    protected void LoadCommitted(string key, string? value)
    {
        lock (_lock)
        {
            if (value is null)
            {
                _committed.Remove(key);
            }
            else
            {
                _committed[key] = value;
            }
        }
    }

    public IReadOnlyDictionary<string, object?>? Get(string connector, IReadOnlyDictionary<string, object?> partition)
    {
        var key = OffsetKeys.Key(connector, partition);
        lock (_lock)
        {
            if (_pending.TryGetValue(key, out var pending))
            {
                return OffsetKeys.ParseValue(pending);
            }
            return _committed.TryGetValue(key, out var value) ? OffsetKeys.ParseValue(value) : null;
        }
    }

    public void Put(string connector, IReadOnlyDictionary<string, object?> partition, IReadOnlyDictionary<string, object?>? offset)
    {
        var key = OffsetKeys.Key(connector, partition);
        var value = OffsetKeys.Value(offset);
        lock (_lock)
        {
            _pending[key] = value;
        }
    }

    public IReadOnlyList<(Dictionary<string, object?> Partition, Dictionary<string, object?>? Offset)> ForConnector(string connector)
    {
        var result = new List<(Dictionary<string, object?>, Dictionary<string, object?>?)>();
        lock (_lock)
        {
            var merged = new Dictionary<string, string?>(_committed, StringComparer.Ordinal);
            foreach (var (key, value) in _pending)
            {
                merged[key] = value;
            }
            foreach (var (key, value) in merged)
            {
                if (value is not null && OffsetKeys.ParseKey(key) is { } parsed && parsed.Connector == connector)
                {
                    result.Add((parsed.Partition, OffsetKeys.ParseValue(value)));
                }
            }
        }
        return result;
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<string, string?> changes;
            Dictionary<string, string?> committed;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    return;
                }
                changes = new Dictionary<string, string?>(_pending, StringComparer.Ordinal);
                foreach (var (key, value) in _pending)
                {
                    if (value is null)
                    {
                        _committed.Remove(key);
                    }
                    else
                    {
                        _committed[key] = value;
                    }
                }
                _pending.Clear();
                committed = new Dictionary<string, string?>(_committed, StringComparer.Ordinal);
            }
            await PersistAsync(changes, committed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// Copies into this store every committed offset of <paramref name="source"/> that this store does not hold yet, and
    /// flushes them (a worker moving from an offsets file to the offsets topic: what the topic already has wins, so an
    /// import repeated after a crash changes nothing). Returns how many were copied.
    /// </summary>
    public async Task<int> ImportAsync(OffsetStoreBase source, CancellationToken cancellationToken = default)
    {
        List<KeyValuePair<string, string?>> missing;
        lock (source._lock)
        {
            missing = [.. source._committed];
        }
        var copied = 0;
        lock (_lock)
        {
            foreach (var (key, value) in missing)
            {
                if (value is not null && !_committed.ContainsKey(key) && !_pending.ContainsKey(key))
                {
                    _pending[key] = value;
                    copied++;
                }
            }
        }
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return copied;
    }

    public OffsetStorageReader ReaderFor(string connector) => new Reader(this, connector);

    private sealed class Reader(OffsetStoreBase store, string connector) : OffsetStorageReader
    {
        public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition) => store.Get(connector, partition);

        public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions)
        {
            var result = new Dictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>>();
            foreach (var partition in partitions)
            {
                if (store.Get(connector, partition) is { } offset)
                {
                    result[partition] = offset;
                }
            }
            return result;
        }
    }
}
