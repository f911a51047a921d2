using System.Buffers.Binary;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;
using Tributary.Protocol.Records;

namespace Tributary.Client;

/// <summary>
/// A transactional producer on a <see cref="KafkaClient"/> (Kafka's transactions v1, the protocol librdkafka and the
/// Java client speak): <see cref="InitAsync"/> finds the transaction coordinator and gets a producer id and epoch for
/// the transactional id (InitProducerId; a new epoch fences every older producer of the same id and aborts its open
/// transaction), <see cref="Begin"/> opens a transaction, <c>ProduceAsync</c> adds a partition to it
/// (AddPartitionsToTxn) the first time it is written and sends transactional batches with per-partition sequences,
/// and <see cref="CommitAsync"/>/<see cref="AbortAsync"/> end it (EndTxn).
/// <para>Errors: a fenced producer (PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH from an older broker) gets a
/// <see cref="KafkaClientException"/> with <see cref="KafkaClientException.IsFenced"/> and must be discarded: its
/// transaction is aborted by the coordinator. CONCURRENT_TRANSACTIONS (the coordinator still writing the previous
/// transaction's markers), COORDINATOR_LOAD_IN_PROGRESS and NOT_COORDINATOR are retried within the request timeout.
/// After any other error in a transaction, abort it.</para>
/// <para>Thread-safety: one transaction at a time; produces to different partitions may run concurrently, produces to
/// the same partition must not (their sequences must reach the broker in order).</para>
/// </summary>
public sealed class TransactionalProducer
{
    private const short FindCoordinatorKey = 10, InitProducerIdKey = 22, AddPartitionsToTxnKey = 24, EndTxnKey = 26;
    private const short ConcurrentTransactions = 51, CoordinatorLoadInProgress = 14, CoordinatorNotAvailable = 15, NotCoordinator = 16;

    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(20);

    private readonly KafkaClient _client;
    private readonly TimeSpan _transactionTimeout;
    private readonly TimeSpan _retryLimit;
    private readonly Dictionary<(string Topic, int Partition), int> _sequences = [];
    private readonly HashSet<(string Topic, int Partition)> _added = [];
    private readonly HashSet<(string Topic, int Partition)> _sending = [];
    private readonly object _lock = new();
    private readonly SemaphoreSlim _addGate = new(1, 1);
    private int _coordinator = -1;
    private bool _inTransaction;

    public TransactionalProducer(KafkaClient client, string transactionalId, TimeSpan transactionTimeout, TimeSpan? retryLimit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionalId);
        _client = client;
        TransactionalId = transactionalId;
        _transactionTimeout = transactionTimeout;
        _retryLimit = retryLimit ?? TimeSpan.FromSeconds(30);
    }

    public string TransactionalId { get; }

    /// <summary>The producer id from InitProducerId (-1 before <see cref="InitAsync"/>).</summary>
    public long ProducerId { get; private set; } = -1;

    /// <summary>The producer epoch from InitProducerId.</summary>
    public short ProducerEpoch { get; private set; } = -1;

    /// <summary>Whether a transaction is open (between <see cref="Begin"/> and its commit or abort).</summary>
    public bool InTransaction => _inTransaction;

    /// <summary>
    /// Gets a producer id and a new epoch for the transactional id, fencing older producers of it (their open
    /// transaction is aborted by the coordinator before this completes). Call once before the first transaction, and
    /// again to recover after an abortable error with a new epoch.
    /// </summary>
    public async Task InitAsync(CancellationToken cancellationToken = default)
    {
        var response = await CoordinatorRequestAsync<InitProducerIdResponse>(
            new InitProducerIdRequest { TransactionalId = TransactionalId, TransactionTimeoutMs = (int)_transactionTimeout.TotalMilliseconds, ProducerId = ProducerId, ProducerEpoch = ProducerEpoch },
            InitProducerIdKey, ceiling: 4, r => r.ErrorCode, "InitProducerId", cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            ProducerId = response.ProducerId;
            ProducerEpoch = response.ProducerEpoch;
            _sequences.Clear();
            _added.Clear();
            _inTransaction = false;
        }
    }

    /// <summary>Opens a transaction (a local step, as in Kafka's clients: the coordinator hears of it at the first produce).</summary>
    public void Begin()
    {
        lock (_lock)
        {
            if (ProducerId < 0)
            {
                throw new InvalidOperationException("InitAsync must complete before a transaction begins.");
            }
            if (_inTransaction)
            {
                throw new InvalidOperationException("A transaction is already open.");
            }
            _added.Clear();
            _inTransaction = true;
        }
    }

    /// <summary>
    /// Sends records in the open transaction to one partition (one batch; see <c>KafkaClient.ProduceAsync</c>
    /// for the record form) and returns the base offset. The records count only if the transaction commits.
    /// </summary>
    public async Task<long> ProduceAsync(string topic, int partition, IReadOnlyList<(byte[]? Key, byte[]? Value)> records, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var builder = new RecordBatchBuilder(now);
        foreach (var (key, value) in records)
        {
            builder.Append(now, key, value, hasKey: key is not null, hasValue: value is not null);
        }
        // Awaited here: the builder's pooled buffers must outlive the send.
        return await ProduceAsync(topic, partition, builder, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the records of <paramref name="builder"/> (not consumed; the caller clears or disposes it) in the open transaction; returns the base offset.</summary>
    public Task<long> ProduceAsync(string topic, int partition, RecordBatchBuilder builder, CancellationToken cancellationToken = default)
    {
        if (builder.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one record.", nameof(builder));
        }
        return ProduceBatchAsync(topic, partition, builder.ToArray(new BatchOptions()), cancellationToken);
    }

    /// <summary>
    /// Sends a record batch built by the caller (magic v2, as for <c>KafkaClient.ProduceBatchAsync</c>; its producer
    /// fields are ignored) in the open transaction: this producer's id, epoch and the partition's next sequence are
    /// written into it with the transactional flag, and its CRC recomputed. Returns the base offset.
    /// </summary>
    public async Task<long> ProduceBatchAsync(string topic, int partition, Memory<byte> batch, CancellationToken cancellationToken = default)
    {
        var key = (topic, partition);
        await EnsureAddedAsync(key, cancellationToken).ConfigureAwait(false);
        var count = RecordBatch.RecordsCount(batch.Span);
        int sequence;
        lock (_lock)
        {
            if (!_sending.Add(key))
            {
                throw new InvalidOperationException($"A produce to {topic}-{partition} is already in flight; produces to one partition must be sequential.");
            }
            sequence = _sequences.GetValueOrDefault(key);
            Stamp(batch.Span, ProducerId, ProducerEpoch, sequence);
        }
        try
        {
            var offset = await _client.ProduceBatchAsync(topic, partition, batch, acks: -1, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                // Sequences wrap at int.MaxValue as Kafka's do.
                _sequences[key] = (int)(((long)sequence + count) % ((long)int.MaxValue + 1));
            }
            return offset;
        }
        finally
        {
            lock (_lock)
            {
                _sending.Remove(key);
            }
        }
    }

    /// <summary>Writes the producer fields and the transactional flag into a batch's header and recomputes its CRC (which covers them).</summary>
    private static void Stamp(Span<byte> batch, long producerId, short epoch, int sequence)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.ProducerEpochOffset..], epoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BaseSequenceOffset..], sequence);
        var attributes = (short)(RecordBatch.Attributes(batch) | RecordBatchLayout.TransactionalFlag);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.AttributesOffset..], attributes);
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchLayout.CrcOffset..], RecordBatch.ComputeCrc(batch));
    }

    /// <summary>Commits the open transaction: its records become visible to read_committed consumers.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => EndAsync(commit: true, cancellationToken);

    /// <summary>Aborts the open transaction: read_committed consumers never see its records.</summary>
    public Task AbortAsync(CancellationToken cancellationToken = default) => EndAsync(commit: false, cancellationToken);

    private async Task EndAsync(bool commit, CancellationToken cancellationToken)
    {
        bool anyAdded;
        lock (_lock)
        {
            if (!_inTransaction)
            {
                throw new InvalidOperationException("No transaction is open.");
            }
            anyAdded = _added.Count > 0;
        }
        // A transaction that wrote nothing never reached the coordinator: there is nothing to end there.
        if (anyAdded)
        {
            await CoordinatorRequestAsync<EndTxnResponse>(
                new EndTxnRequest { TransactionalId = TransactionalId, ProducerId = ProducerId, ProducerEpoch = ProducerEpoch, Committed = commit },
                EndTxnKey, ceiling: 3, r => r.ErrorCode, commit ? "EndTxn(commit)" : "EndTxn(abort)", cancellationToken).ConfigureAwait(false);
        }
        lock (_lock)
        {
            _added.Clear();
            _inTransaction = false;
        }
    }

    private async Task EnsureAddedAsync((string Topic, int Partition) key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_inTransaction)
            {
                throw new InvalidOperationException("No transaction is open: call Begin first.");
            }
            if (_added.Contains(key))
            {
                return;
            }
        }
        await _addGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_added.Contains(key))
                {
                    return;
                }
            }
            var request = new AddPartitionsToTxnRequest
            {
                TransactionalId = TransactionalId,
                ProducerId = ProducerId,
                ProducerEpoch = ProducerEpoch,
                Topics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = key.Topic, Partitions = [key.Partition] }],
            };
            // v3 is the last client version (v4 is the broker-to-broker batch form).
            await CoordinatorRequestAsync<AddPartitionsToTxnResponse>(request, AddPartitionsToTxnKey, ceiling: 3,
                r => r.Results.SelectMany(t => t.Results).Select(p => p.ErrorCode).FirstOrDefault(e => e != 0),
                $"AddPartitionsToTxn {key.Topic}-{key.Partition}", cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _added.Add(key);
            }
        }
        finally
        {
            _addGate.Release();
        }
    }

    /// <summary>
    /// Sends a request to the transaction coordinator (found with FindCoordinator on first use and after
    /// NOT_COORDINATOR), retrying the coordinator's retriable answers until <c>retryLimit</c>; any other error throws.
    /// </summary>
    private async Task<TResponse> CoordinatorRequestAsync<TResponse>(IKafkaMessage request, short apiKey, short ceiling, Func<TResponse, short> errorOf, string what, CancellationToken cancellationToken)
        where TResponse : IKafkaMessage, new()
    {
        var deadline = DateTime.UtcNow + _retryLimit;
        while (true)
        {
            if (_coordinator < 0)
            {
                _coordinator = await FindCoordinatorAsync(cancellationToken).ConfigureAwait(false);
            }
            var connection = await _client.NodeConnectionAsync(_coordinator, cancellationToken).ConfigureAwait(false);
            var response = await connection.SendNegotiatedAsync<TResponse>(request, apiKey, ceiling, cancellationToken).ConfigureAwait(false);
            var error = errorOf(response);
            if (error == 0)
            {
                return response;
            }
            if (error is NotCoordinator or CoordinatorNotAvailable)
            {
                _coordinator = -1;
            }
            if (error is not (ConcurrentTransactions or CoordinatorLoadInProgress or NotCoordinator or CoordinatorNotAvailable) || DateTime.UtcNow > deadline)
            {
                throw new KafkaClientException(error, $"{what} for transactional id {TransactionalId}: error {error}.");
            }
            await Task.Delay(RetryBackoff, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> FindCoordinatorAsync(CancellationToken cancellationToken)
    {
        var connection = await _client.AnyConnectionAsync(cancellationToken).ConfigureAwait(false);
        // v1–v3 name one key (v4+ batch keys); key type 1 is a transactional id.
        var response = await connection.SendNegotiatedAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = TransactionalId, KeyType = 1 }, FindCoordinatorKey, ceiling: 3, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            throw new KafkaClientException(response.ErrorCode, $"FindCoordinator for transactional id {TransactionalId}: error {response.ErrorCode} {response.ErrorMessage}");
        }
        return response.NodeId;
    }
}
