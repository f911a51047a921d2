using Tributary.Protocol.Records;

namespace Tributary.Connect.Runtime.ErrorHandling;

/// <summary>The raw consumed record an error happened on (sink side): what the DLQ gets back verbatim.</summary>
public sealed record FailedRecord(string Topic, int Partition, long Offset, long Timestamp, byte[]? Key, byte[]? Value, IReadOnlyList<RecordHeader> Headers);
