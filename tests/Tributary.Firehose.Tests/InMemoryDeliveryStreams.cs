using System.Globalization;
using Tributary.Delivery.Engine;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Tests;

/// <summary>
/// TEST DOUBLE of the delivery engine's registry: streams in a dictionary, records in lists, every call recorded in
/// <see cref="Calls"/> (e.g. "Create s1", "Put s1 3"). It follows the <see cref="IDeliveryStreams"/> contract closely
/// enough to drive the API (VersionId, timestamps, not-found, in-use, tag limit, version checks) and nothing more:
/// no delivery happens. Failures can be injected with <see cref="FailRecord"/> and <see cref="NextFailure"/>.
/// Thread-safe through one lock.
/// </summary>
public sealed class InMemoryDeliveryStreams : IDeliveryStreams
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DeliveryStreamDescription> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<byte[]>> _records = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private long _nextRecordId;

    /// <summary>The instant the double stamps on CreateTimestamp, DeliveryStartTimestamp and LastUpdateTimestamp.</summary>
    public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 10, 30, 15, 250, TimeSpan.Zero);

    public int StreamLimit { get; set; } = 50;

    /// <summary>Per record index of a put: a failure to report for that record instead of taking it.</summary>
    public Func<int, PutRecordResult?>? FailRecord { get; set; }

    /// <summary>Thrown (once) by the next call of any method.</summary>
    public DeliveryException? NextFailure { get; set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The definition the last CreateAsync received, as the API handed it over.</summary>
    public DeliveryStreamDefinition? LastCreated { get; private set; }

    public IReadOnlyList<byte[]> RecordsOf(string name)
    {
        lock (_lock)
        {
            return _records.TryGetValue(name, out var list) ? [.. list] : [];
        }
    }

    /// <summary>Adds a stream directly (for describe/list tests), with the given status.</summary>
    public void Seed(DeliveryStreamDefinition definition, DeliveryStreamStatus status = DeliveryStreamStatus.Active, string? failure = null)
    {
        lock (_lock)
        {
            _streams[definition.Name] = new(definition, status, new DeliveryMetrics(), failure);
            _records[definition.Name] = [];
        }
    }

    public Task<DeliveryStreamDefinition> CreateAsync(DeliveryStreamDefinition definition, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record("Create " + definition.Name);
            LastCreated = definition;
            if (_streams.ContainsKey(definition.Name))
            {
                throw new DeliveryException("ResourceInUseException", $"Firehose {definition.Name} under accountId 123456789012 already exists");
            }
            if (_streams.Count >= StreamLimit)
            {
                throw new DeliveryException("LimitExceededException", $"You have already consumed your firehose quota of {StreamLimit} hoses.");
            }
            var created = definition with
            {
                VersionId = 1,
                CreateTimestamp = Now,
                KafkaSource = definition.KafkaSource is { } kafka ? kafka with { DeliveryStartTimestamp = Now } : null,
                KinesisSource = definition.KinesisSource is { } kinesis ? kinesis with { DeliveryStartTimestamp = Now } : null,
            };
            _streams[created.Name] = new(created, DeliveryStreamStatus.Active, new DeliveryMetrics());
            _records[created.Name] = [];
            return Task.FromResult(created);
        }
    }

    public DeliveryStreamDescription? Describe(string name)
    {
        lock (_lock)
        {
            Record("Describe " + name);
            return _streams.GetValueOrDefault(name);
        }
    }

    public IReadOnlyList<DeliveryStreamDescription> List()
    {
        lock (_lock)
        {
            Record("List");
            return [.. _streams.Values.OrderBy(s => s.Definition.Name, StringComparer.Ordinal)];
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record("Delete " + name);
            if (!_streams.Remove(name))
            {
                throw DeliveryException.NotFound(name);
            }
            _records.Remove(name);
            return Task.CompletedTask;
        }
    }

    public Task<DeliveryStreamDefinition> UpdateDestinationAsync(string name, int currentVersionId, string destinationId,
        Func<S3DestinationDefinition, S3DestinationDefinition> update, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record($"UpdateDestination {name} {currentVersionId} {destinationId}");
            var stream = Find(name);
            var definition = stream.Definition;
            if (definition.VersionId != currentVersionId)
            {
                throw new DeliveryException("ConcurrentModificationException",
                    $"Cannot update firehose: {name} since the current version id: {definition.VersionId} and the specified version id: {currentVersionId} do not match");
            }
            if (definition.Destination.DestinationId != destinationId)
            {
                throw DeliveryException.InvalidArgument($"Destination {destinationId} not found in firehose {name}.");
            }
            var updated = definition with { Destination = update(definition.Destination), VersionId = definition.VersionId + 1, LastUpdateTimestamp = Now };
            _streams[name] = stream with { Definition = updated };
            return Task.FromResult(updated);
        }
    }

    public Task<IReadOnlyList<PutRecordResult>> PutAsync(string name, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record($"Put {name} {records.Count}");
            var stream = Find(name);
            if (stream.Definition.Type != DeliveryStreamType.DirectPut)
            {
                throw DeliveryException.InvalidArgument($"This operation is not permitted on {stream.Definition.Type} delivery stream type.");
            }
            var results = new PutRecordResult[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                if (FailRecord?.Invoke(i) is { } failure)
                {
                    results[i] = failure;
                    continue;
                }
                _records[name].Add(records[i].ToArray());
                results[i] = new PutRecordResult("record-" + (++_nextRecordId).ToString("D8", CultureInfo.InvariantCulture));
            }
            return Task.FromResult<IReadOnlyList<PutRecordResult>>(results);
        }
    }

    public Task TagAsync(string name, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record($"Tag {name} {tags.Count}");
            var stream = Find(name);
            var merged = stream.Definition.Tags.ToList();
            foreach (var tag in tags)
            {
                merged.RemoveAll(t => t.Key == tag.Key);
                merged.Add(tag);
            }
            if (merged.Count > 50)
            {
                throw new DeliveryException("LimitExceededException", $"Firehose {name} would have {merged.Count} tags; the limit is 50.");
            }
            _streams[name] = stream with { Definition = stream.Definition with { Tags = merged } };
            return Task.CompletedTask;
        }
    }

    public Task UntagAsync(string name, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record($"Untag {name} {string.Join(',', keys)}");
            var stream = Find(name);
            _streams[name] = stream with { Definition = stream.Definition with { Tags = [.. stream.Definition.Tags.Where(t => !keys.Contains(t.Key))] } };
            return Task.CompletedTask;
        }
    }

    public Task SetEncryptionAsync(string name, bool enabled, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Record($"SetEncryption {name} {enabled}");
            var stream = Find(name);
            _streams[name] = stream with { Definition = stream.Definition with { EncryptionEnabled = enabled } };
            return Task.CompletedTask;
        }
    }

    private DeliveryStreamDescription Find(string name) =>
        _streams.TryGetValue(name, out var stream) ? stream : throw DeliveryException.NotFound(name);

    private void Record(string call)
    {
        _calls.Add(call);
        if (NextFailure is { } failure)
        {
            NextFailure = null;
            throw failure;
        }
    }
}
