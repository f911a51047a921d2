namespace Tributary.Protocol.Records;

/// <summary>
/// Byte layout of a Kafka record batch, magic v2 (the on-wire and on-disk format). All integers are
/// big-endian. Keep in sync with docs/formats/log.md.
/// <code>
///  0 BaseOffset            int64   rewritten by the log on append (not covered by the CRC)
///  8 BatchLength           int32   bytes that follow this field
/// 12 PartitionLeaderEpoch  int32   not covered by the CRC
/// 16 Magic                 int8    2
/// 17 Crc                   uint32  CRC-32C of bytes 21..end
/// 21 Attributes            int16   bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control, 6 delete horizon
/// 23 LastOffsetDelta       int32
/// 27 BaseTimestamp         int64
/// 35 MaxTimestamp          int64
/// 43 ProducerId            int64
/// 51 ProducerEpoch         int16
/// 53 BaseSequence          int32
/// 57 RecordsCount          int32
/// 61 Records ...                   possibly compressed as a whole
/// </code>
/// </summary>
public static class RecordBatchLayout
{
    public const int BaseOffsetOffset = 0;
    public const int BatchLengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordsCountOffset = 57;
    public const int RecordsOffset = 61;

    /// <summary>Size of the fixed header; also the smallest valid batch (zero records).</summary>
    public const int HeaderSize = 61;

    /// <summary>BaseOffset and BatchLength: the prefix that is not counted in BatchLength.</summary>
    public const int LogOverhead = 12;

    public const byte CurrentMagic = 2;

    public const short CompressionCodecMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;
    public const short DeleteHorizonFlag = 0x40;
}
