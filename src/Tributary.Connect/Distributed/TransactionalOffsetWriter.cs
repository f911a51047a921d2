using Tributary.Client;
using Tributary.Connect.Runtime.Storage;

namespace Tributary.Connect.Runtime.Distributed;

/// <summary>
/// The offsets of one exactly-once source task (KIP-618): the task stages its offsets here and flushes them inside its
/// open transaction, through its own transactional producer, to the worker's offsets topic; they count only when the
/// transaction commits, and the worker's <see cref="KafkaOffsetStore"/> (read_committed) then reads them back. Reads
/// (what the task resumes from) stay with that shared store. Thread-safe as <see cref="OffsetStoreBase"/>.
/// </summary>
public sealed class TransactionalOffsetWriter(KafkaOffsetStore store, TransactionalProducer producer) : OffsetStoreBase
{
    protected override Task PersistAsync(IReadOnlyDictionary<string, string?> changes, IReadOnlyDictionary<string, string?> committed, CancellationToken cancellationToken) =>
        store.WriteInTransactionAsync(producer, changes, cancellationToken);
}
