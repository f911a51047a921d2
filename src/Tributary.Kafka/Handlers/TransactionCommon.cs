using Tributary.Broker;

namespace Tributary.Kafka.Handlers;

/// <summary>What the transaction handlers share: the version-dependent answer for a fenced producer.</summary>
internal static class TransactionCommon
{
    /// <summary>
    /// PRODUCER_FENCED (90) is sent only from <paramref name="fencedSince"/> on; older versions get
    /// INVALID_PRODUCER_EPOCH (47), as Kafka's KafkaApis does (InitProducerId below v4; AddPartitionsToTxn,
    /// AddOffsetsToTxn and EndTxn below v2).
    /// </summary>
    public static short ForVersion(ErrorCode error, short version, short fencedSince) =>
        (short)(error == ErrorCode.ProducerFenced && version < fencedSince ? ErrorCode.InvalidProducerEpoch : error);
}
