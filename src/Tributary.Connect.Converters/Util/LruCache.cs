namespace Tributary.Connect.Util;

/// <summary>
/// A bounded least-recently-used cache (Kafka's <c>SynchronizedCache(LRUCache)</c>): converters and schema-changing
/// transformations keep derived schemas in one so a stream of ever-new schemas cannot grow memory without bound.
/// Thread-safe (one lock; lookups on the hot path are a dictionary probe and a list splice).
/// </summary>
public sealed class LruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _entries;
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _order = new();
    private readonly Lock _lock = new();

    public LruCache(int maxSize, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        MaxSize = maxSize;
        _entries = new Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>>(comparer);
    }

    public int MaxSize { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (node != _order.First)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                }
                value = node.Value.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Adds or replaces an entry; the least recently used one leaves when the cache is full.</summary>
    public void Put(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
                _entries.Remove(key);
            }
            else if (_entries.Count >= MaxSize)
            {
                var eldest = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(eldest.Value.Key);
            }
            _entries[key] = _order.AddFirst(new KeyValuePair<TKey, TValue>(key, value));
        }
    }
}
