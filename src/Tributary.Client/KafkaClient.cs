using System.Collections.Concurrent;
using Tributary.Protocol.Compression;
using Tributary.Protocol.Kafka.Messages;
using Tributary.Protocol.Records;

namespace Tributary.Client;

/// <summary>A partition's leader as Metadata reports it.</summary>
public readonly record struct PartitionLeader(string Topic, int Partition, int LeaderId);

/// <summary>
/// What a fetch of one partition returned: whole record batches (possibly none) and the partition's offsets. A
/// read_committed fetch also returns the last stable offset and the aborted transactions among the batches
/// (producer id, first offset), whose data the reader must skip, as Kafka's consumers do.
/// </summary>
public sealed record FetchedPartition(string Topic, int Partition, short ErrorCode, long HighWatermark, long LogStartOffset, ReadOnlyMemory<byte> Records, long LastStableOffset = -1, IReadOnlyList<(long ProducerId, long FirstOffset)>? AbortedTransactions = null);

/// <summary>
/// A Kafka client on Tributary's own codecs, for talking to external clusters (delivery-stream sources),
/// benchmarks and tests: bootstrap, cluster metadata and routing to partition leaders, topic creation,
/// produce, fetch and offset lookups. One connection per broker, requests pipelined on it. Thread-safe.
/// Consumer-group membership builds on this (later); this type owns no background work.
/// </summary>
public sealed class KafkaClient : IAsyncDisposable
{
    private const short ProduceKey = 0, FetchKey = 1, ListOffsetsKey = 2, MetadataKey = 3, CreateTopicsKey = 19;

    private readonly KafkaClientOptions _options;
    private readonly ConcurrentDictionary<int, Task<KafkaConnection>> _byNode = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition), int> _leaders = new();
    private readonly ConcurrentDictionary<string, Guid> _topicIds = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<int, (string Host, int Port)> _brokers = new Dictionary<int, (string, int)>();
    private KafkaConnection? _bootstrap;
    private volatile bool _closed;

    public KafkaClient(KafkaClientOptions options)
    {
        if (options.BootstrapServers.Count == 0)
        {
            throw new ArgumentException("At least one bootstrap server is needed.", nameof(options));
        }
        _options = options;
    }

    /// <summary>Refreshes metadata for <paramref name="topics"/> (null: every topic) and returns it.</summary>
    public async Task<MetadataResponse> RefreshMetadataAsync(IReadOnlyList<string>? topics = null, bool allowAutoCreate = false, CancellationToken cancellationToken = default)
    {
        var connection = await AnyConnectionAsync(cancellationToken).ConfigureAwait(false);
        var request = new MetadataRequest
        {
            Topics = topics?.Select(t => new MetadataRequest.MetadataRequestTopic { Name = t }).ToList(),
            AllowAutoTopicCreation = allowAutoCreate,
        };
        var response = await connection.SendNegotiatedAsync<MetadataResponse>(request, MetadataKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        _brokers = response.Brokers.ToDictionary(b => b.NodeId, b => (b.Host, b.Port));
        foreach (var topic in response.Topics)
        {
            if (topic.ErrorCode != 0 || topic.Name is null)
            {
                continue;
            }
            _topicIds[topic.Name] = topic.TopicId;
            foreach (var partition in topic.Partitions)
            {
                _leaders[(topic.Name, partition.PartitionIndex)] = partition.LeaderId;
            }
        }
        return response;
    }

    /// <summary>Partition count of a topic (metadata refreshed when unknown); null if the topic does not exist.</summary>
    public async Task<int?> PartitionCountAsync(string topic, CancellationToken cancellationToken = default)
    {
        var metadata = await RefreshMetadataAsync([topic], cancellationToken: cancellationToken).ConfigureAwait(false);
        var found = metadata.Topics.FirstOrDefault(t => t.Name == topic);
        return found is { ErrorCode: 0 } ? found.Partitions.Count : null;
    }

    /// <summary>Creates a topic; an existing one is fine when <paramref name="ifNotExists"/>. -1 partitions or replication factor: the broker's default.</summary>
    public async Task CreateTopicAsync(string topic, int partitions, IReadOnlyDictionary<string, string>? configs = null, bool ifNotExists = true, CancellationToken cancellationToken = default, short replicationFactor = -1)
    {
        var connection = await AnyConnectionAsync(cancellationToken).ConfigureAwait(false);
        var request = new CreateTopicsRequest
        {
            TimeoutMs = (int)_options.RequestTimeout.TotalMilliseconds,
            Topics =
            [
                new CreateTopicsRequest.CreatableTopic
                {
                    Name = topic,
                    NumPartitions = partitions,
                    ReplicationFactor = replicationFactor,
                    Configs = configs?.Select(c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Key, Value = c.Value }).ToList() ?? [],
                },
            ],
        };
        var response = await connection.SendNegotiatedAsync<CreateTopicsResponse>(request, CreateTopicsKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        var result = response.Topics.Single();
        if (result.ErrorCode != 0 && !(ifNotExists && result.ErrorCode == 36))
        {
            throw new KafkaClientException(result.ErrorCode, $"CreateTopics {topic}: error {result.ErrorCode} {result.ErrorMessage}");
        }
    }

    /// <summary>
    /// Produces one batch of records to a partition's leader and returns the base offset (-1 with acks=0).
    /// Records are (key, value) pairs; a null key or value is sent as null.
    /// </summary>
    public async Task<long> ProduceAsync(string topic, int partition, IReadOnlyList<(byte[]? Key, byte[]? Value)> records, short acks = -1, CompressionCodec codec = CompressionCodec.None, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] batch;
        using (var builder = new RecordBatchBuilder(now))
        {
            foreach (var (key, value) in records)
            {
                builder.Append(now, key, value, hasKey: key is not null, hasValue: value is not null);
            }
            batch = builder.ToArray(new BatchOptions { Codec = codec });
        }
        var connection = await LeaderConnectionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        var request = new ProduceRequest
        {
            Acks = acks,
            TimeoutMs = (int)_options.RequestTimeout.TotalMilliseconds,
            TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = batch }] }],
        };
        // Produce v3 is the first with record batch v2; v9+ are flexible. Anything up to v11 reads the same here.
        var version = connection.VersionFor(ProduceKey) ?? throw new KafkaClientException(35, $"{connection.Endpoint} does not support Produce.");
        if (acks == 0)
        {
            await connection.SendWithoutResponseAsync(request, ProduceKey, version, cancellationToken).ConfigureAwait(false);
            return -1;
        }
        var response = await connection.SendAsync<ProduceResponse>(request, ProduceKey, version, cancellationToken).ConfigureAwait(false);
        var result = response.Responses.Single().PartitionResponses.Single();
        if (result.ErrorCode != 0)
        {
            Forget(topic, partition, result.ErrorCode);
            throw new KafkaClientException(result.ErrorCode, $"Produce to {topic}-{partition}: error {result.ErrorCode} {result.ErrorMessage}");
        }
        return result.BaseOffset;
    }

    /// <summary>
    /// Produces one record batch built by the caller (magic v2, base offset 0; see <c>RecordBatchBuilder</c>) to a
    /// partition's leader and returns the base offset the broker assigned (-1 with acks=0). Lets a caller batch its
    /// own records with timestamps and headers and keep one request per batch.
    /// </summary>
    public async Task<long> ProduceBatchAsync(string topic, int partition, ReadOnlyMemory<byte> batch, short acks = -1, CancellationToken cancellationToken = default)
    {
        var connection = await LeaderConnectionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        var request = new ProduceRequest
        {
            Acks = acks,
            TimeoutMs = (int)_options.RequestTimeout.TotalMilliseconds,
            TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = batch }] }],
        };
        var version = connection.VersionFor(ProduceKey) ?? throw new KafkaClientException(35, $"{connection.Endpoint} does not support Produce.");
        if (acks == 0)
        {
            await connection.SendWithoutResponseAsync(request, ProduceKey, version, cancellationToken).ConfigureAwait(false);
            return -1;
        }
        var response = await connection.SendAsync<ProduceResponse>(request, ProduceKey, version, cancellationToken).ConfigureAwait(false);
        var result = response.Responses.Single().PartitionResponses.Single();
        if (result.ErrorCode != 0)
        {
            Forget(topic, partition, result.ErrorCode);
            throw new KafkaClientException(result.ErrorCode, $"Produce to {topic}-{partition}: error {result.ErrorCode} {result.ErrorMessage}");
        }
        return result.BaseOffset;
    }

    /// <summary>
    /// Fetches from one partition starting at <paramref name="offset"/>; waits up to <paramref name="maxWaitMs"/> for
    /// data (keep it below the request timeout). <paramref name="readCommitted"/>: isolation level read_committed
    /// (batches only up to the last stable offset, with the aborted transactions among them).
    /// </summary>
    public async Task<FetchedPartition> FetchAsync(string topic, int partition, long offset, int maxBytes = 1024 * 1024, int maxWaitMs = 500, CancellationToken cancellationToken = default, bool readCommitted = false)
    {
        var (connection, request, version) = await PrepareFetchAsync(topic, partition, offset, maxBytes, maxWaitMs, readCommitted, cancellationToken).ConfigureAwait(false);
        var response = await connection.SendAsync<FetchResponse>(request, FetchKey, version, cancellationToken).ConfigureAwait(false);
        return Fetched(topic, partition, response);
    }

    /// <summary>
    /// As <see cref="FetchAsync"/>, with the response read into a pooled frame (<see cref="KafkaConnection.SendLeasedAsync{TResponse}"/>):
    /// <see cref="FetchedPartition.Records"/> is valid until the lease is disposed. For a consumer that copies the
    /// records out at once.
    /// </summary>
    public async Task<(FetchedPartition Fetched, IDisposable Lease)> FetchLeasedAsync(string topic, int partition, long offset, int maxBytes = 1024 * 1024, int maxWaitMs = 500, CancellationToken cancellationToken = default)
    {
        var (connection, request, version) = await PrepareFetchAsync(topic, partition, offset, maxBytes, maxWaitMs, readCommitted: false, cancellationToken).ConfigureAwait(false);
        var leased = await connection.SendLeasedAsync<FetchResponse>(request, FetchKey, version, cancellationToken).ConfigureAwait(false);
        try
        {
            return (Fetched(topic, partition, leased.Response), leased);
        }
        catch
        {
            leased.Dispose();
            throw;
        }
    }

    private async Task<(KafkaConnection Connection, FetchRequest Request, short Version)> PrepareFetchAsync(string topic, int partition, long offset, int maxBytes, int maxWaitMs, bool readCommitted, CancellationToken cancellationToken)
    {
        var connection = await LeaderConnectionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        // Fetch v13+ names topics by id: stay at v12 unless the id is known.
        var ceiling = _topicIds.TryGetValue(topic, out var topicId) && topicId != Guid.Empty ? short.MaxValue : (short)12;
        var version = connection.VersionFor(FetchKey, ceiling) ?? throw new KafkaClientException(35, $"{connection.Endpoint} does not support Fetch.");
        var request = new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = maxWaitMs,
            MinBytes = 1,
            MaxBytes = maxBytes,
            IsolationLevel = readCommitted ? (sbyte)1 : (sbyte)0,
            Topics =
            [
                new FetchRequest.FetchTopic
                {
                    Topic = topic,
                    TopicId = topicId,
                    Partitions = [new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = maxBytes, CurrentLeaderEpoch = -1, LastFetchedEpoch = -1, LogStartOffset = -1 }],
                },
            ],
        };
        return (connection, request, version);
    }

    private FetchedPartition Fetched(string topic, int partition, FetchResponse response)
    {
        if (response.ErrorCode != 0)
        {
            throw new KafkaClientException(response.ErrorCode, $"Fetch from {topic}-{partition}: error {response.ErrorCode}");
        }
        var data = response.Responses.Single().Partitions.Single();
        if (data.ErrorCode != 0)
        {
            Forget(topic, partition, data.ErrorCode);
        }
        return new FetchedPartition(topic, partition, data.ErrorCode, data.HighWatermark, data.LogStartOffset, data.Records ?? ReadOnlyMemory<byte>.Empty,
            data.LastStableOffset, data.AbortedTransactions?.Select(a => (a.ProducerId, a.FirstOffset)).ToList());
    }

    /// <summary>
    /// ListOffsets: -1 latest, -2 earliest, or the first offset at or after a timestamp (ms); -1 when there is none.
    /// <paramref name="readCommitted"/>: latest is the last stable offset (the end a read_committed reader reaches).
    /// </summary>
    public async Task<long> ListOffsetAsync(string topic, int partition, long timestamp, CancellationToken cancellationToken = default, bool readCommitted = false)
    {
        var connection = await LeaderConnectionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            IsolationLevel = readCommitted ? (sbyte)1 : (sbyte)0,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = topic, Partitions = [new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = timestamp, CurrentLeaderEpoch = -1 }] }],
        };
        // v1 is the first with a single offset per partition, v2 the first with an isolation level.
        var version = connection.VersionFor(ListOffsetsKey) is { } v && v >= (readCommitted ? 2 : 1) ? v : throw new KafkaClientException(35, $"{connection.Endpoint} does not support ListOffsets v1+.");
        var response = await connection.SendAsync<ListOffsetsResponse>(request, ListOffsetsKey, version, cancellationToken).ConfigureAwait(false);
        var result = response.Topics.Single().Partitions.Single();
        if (result.ErrorCode != 0)
        {
            Forget(topic, partition, result.ErrorCode);
            throw new KafkaClientException(result.ErrorCode, $"ListOffsets {topic}-{partition}: error {result.ErrorCode}");
        }
        return result.Offset;
    }

    /// <summary>
    /// A connection to any broker: the bootstrap connection, reopened when it failed. An authentication failure (TLS or
    /// SASL) is thrown at once rather than trying the next server: every broker of a cluster gives the same answer.
    /// </summary>
    public async Task<KafkaConnection> AnyConnectionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        if (_bootstrap is { IsFailed: false } live)
        {
            return live;
        }
        List<string> problems = [];
        foreach (var server in _options.BootstrapServers)
        {
            var (host, port) = ParseEndpoint(server);
            try
            {
                var connection = await OpenAsync(host, port, cancellationToken).ConfigureAwait(false);
                var previous = Interlocked.Exchange(ref _bootstrap, connection);
                if (previous is not null)
                {
                    await previous.DisposeAsync().ConfigureAwait(false);
                }
                if (_closed)
                {
                    // Closed while this one was being opened: close it here unless DisposeAsync took it from the slot.
                    if (Interlocked.CompareExchange(ref _bootstrap, null, connection) == connection)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                    }
                    ThrowIfClosed();
                }
                return connection;
            }
            catch (KafkaClientException e) when (!_closed && !e.IsAuthenticationFailure)
            {
                problems.Add(e.Message);
            }
        }
        throw new KafkaClientException(-1, "No bootstrap server reachable: " + string.Join("; ", problems));
    }

    /// <summary>The connection to a broker by node id (opened once, reopened after a failure).</summary>
    public async Task<KafkaConnection> NodeConnectionAsync(int nodeId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ThrowIfClosed();
            // The connection is shared by every caller: its set-up must not depend on the token of whoever asked
            // first (a cancelled set-up left in the map would fail every later caller). Callers wait with their own.
            var task = _byNode.GetOrAdd(nodeId, id => ConnectNodeAsync(id, CancellationToken.None));
            try
            {
                var connection = await task.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (!connection.IsFailed)
                {
                    return connection;
                }
            }
            catch (KafkaClientException)
            {
                _byNode.TryRemove(new KeyValuePair<int, Task<KafkaConnection>>(nodeId, task));
                throw;
            }
            _byNode.TryRemove(new KeyValuePair<int, Task<KafkaConnection>>(nodeId, task));
        }
    }

    private async Task<KafkaConnection> ConnectNodeAsync(int nodeId, CancellationToken cancellationToken)
    {
        if (!_brokers.TryGetValue(nodeId, out var broker))
        {
            await RefreshMetadataAsync([], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!_brokers.TryGetValue(nodeId, out broker))
            {
                throw new KafkaClientException(-1, $"Broker {nodeId} is not in the cluster metadata.");
            }
        }
        return await OpenAsync(broker.Host, broker.Port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a connection, or closes it again at once when the client was closed meanwhile (no connection outlives the client).</summary>
    private async Task<KafkaConnection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        var connection = await KafkaConnection.ConnectAsync(host, port, _options.ClientId, _options.RequestTimeout, cancellationToken, _options.Security).ConfigureAwait(false);
        if (_closed)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            ThrowIfClosed();
        }
        return connection;
    }

    /// <summary>A closed client opens nothing: callers (a task or loop still winding down) get a retriable client error, which they already handle.</summary>
    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new KafkaClientException(-1, "The Kafka client is closed.");
        }
    }

    private async Task<KafkaConnection> LeaderConnectionAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        if (!_leaders.TryGetValue((topic, partition), out var leader) || leader < 0)
        {
            await RefreshMetadataAsync([topic], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!_leaders.TryGetValue((topic, partition), out leader) || leader < 0)
            {
                throw new KafkaClientException(3, $"No leader known for {topic}-{partition} (unknown topic or partition).");
            }
        }
        return await NodeConnectionAsync(leader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a leadership or existence error the cached leader is dropped so the next call refreshes metadata.</summary>
    private void Forget(string topic, int partition, short error)
    {
        if (error is 3 or 5 or 6 or 100)
        {
            _leaders.TryRemove((topic, partition), out _);
        }
    }

    private static (string Host, int Port) ParseEndpoint(string server)
    {
        var colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), out var port))
        {
            throw new ArgumentException($"Bootstrap server '{server}' is not host:port.");
        }
        return (server[..colon].Trim('[', ']'), port);
    }

    /// <summary>
    /// Closes every connection, including one still being opened (closed as soon as it is up); afterwards the client
    /// opens none (callers get "The Kafka client is closed.").
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        foreach (var task in _byNode.Values)
        {
            if (task.IsCompletedSuccessfully)
            {
                await task.Result.DisposeAsync().ConfigureAwait(false);
            }
            else if (!task.IsCompleted)
            {
                _ = task.ContinueWith(static t => t.Result.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }
        if (Interlocked.Exchange(ref _bootstrap, null) is { } bootstrap)
        {
            await bootstrap.DisposeAsync().ConfigureAwait(false);
        }
    }
}
