using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Encoders;

namespace Tributary.Protocol.Compression;

/// <summary>
/// The LZ4 frame format (lz4_Frame_format.md, magic 0x184D2204), Kafka codec 3 for magic-v2 batches. Blocks go
/// through K4os.Compression.LZ4, a managed port of liblz4's block codec; the frame around them is ours. The
/// package's own frame layer (K4os.Compression.LZ4.Streams) was measured too and left out: it copies every block
/// through a buffer of its own and allocates per frame, which made small batches several times slower than the
/// liblz4 frame API this replaced, and it stops at skippable frames (bench/results/codecs.jsonl,
/// docs/architecture.md).
/// </summary>
internal static class Lz4FrameCodec
{
    /// <summary>LZ4HC's highest level; higher ones compress as 12. Kafka accepts up to 17.</summary>
    private const int MaxLevel = 17;

    /// <summary>The block size the Java client writes, and the largest block it can read.</summary>
    private const int BlockSize = 64 * 1024;

    private const uint FrameMagic = 0x184D2204;
    private const uint SkippableMagic = 0x184D2A50; // 0x184D2A50-0x184D2A5F, the low nibble is free
    private const uint UncompressedBlock = 0x80000000;
    private const int MagicSize = 4;
    private const int BlockSizeFieldSize = 4;
    private const int ChecksumSize = 4;

    // FLG byte of the frame descriptor.
    private const int VersionMask = 0xC0;
    private const int Version01 = 0x40;
    private const int FlagBlockIndependent = 0x20;
    private const int FlagBlockChecksum = 0x10;
    private const int FlagContentSize = 0x08;
    private const int FlagContentChecksum = 0x04;
    private const int FlagReserved = 0x02;
    private const int FlagDictionaryId = 0x01;

    // BD byte: bits 6-4 select the maximum block size, the others are reserved.
    private const int BlockDescriptorReserved = 0x8F;
    private const int BlockSizeId64KiB = 4;

    /// <summary>
    /// The header the Java client writes: version 01, independent blocks, no block or content checksums, no content
    /// size (the record batch's CRC-32C already covers the payload), 64 KiB blocks, then the header checksum (the
    /// second byte of XXH32 over FLG and BD). Blocks must be independent: the Java client decodes each block on its
    /// own, with no previous block as dictionary, so linked blocks would corrupt Java consumers.
    /// </summary>
    private static ReadOnlySpan<byte> EndMark => [0, 0, 0, 0];

    private static readonly byte[] KafkaFrameHeader = FrameHeader(Version01 | FlagBlockIndependent, BlockSizeId64KiB << 4);

    /// <param name="level">-1 for the default (fast mode), otherwise 0-17; 3 and above use LZ4HC, as in liblz4.</param>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level)
    {
        if (level is < -1 or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "lz4 levels are -1 (default) or 0-17.");
        }

        var blockLevel = level < (int)LZ4Level.L03_HC ? LZ4Level.L00_FAST : (LZ4Level)Math.Min(level, (int)LZ4Level.L12_MAX);
        destination.Write(KafkaFrameHeader);
        while (!source.IsEmpty)
        {
            var block = source[..Math.Min(BlockSize, source.Length)];
            var output = destination.GetSpan(BlockSizeFieldSize + Math.Max(block.Length, LZ4Codec.MaximumOutputSize(block.Length)));
            var encoded = LZ4Codec.Encode(block, output[BlockSizeFieldSize..], blockLevel);
            if (encoded <= 0 || encoded >= block.Length)
            {
                // Stored as is when compression does not pay, as liblz4 does.
                block.CopyTo(output[BlockSizeFieldSize..]);
                BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)block.Length | UncompressedBlock);
                encoded = block.Length;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)encoded);
            }

            destination.Advance(BlockSizeFieldSize + encoded);
            source = source[block.Length..];
        }

        destination.Write(EndMark);
    }

    /// <summary>
    /// Decodes one or more concatenated frames; skippable frames are skipped. Every frame feature is read: linked
    /// or independent blocks, uncompressed blocks, block and content checksums (verified), a content size
    /// (verified), block sizes up to 4 MiB. Frames that need a dictionary are rejected, as nothing supplies one.
    /// </summary>
    public static void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        if (source.IsEmpty)
        {
            throw Error("input is empty");
        }

        var position = 0;
        while (position < source.Length)
        {
            position = DecompressFrame(source, position, ref output);
        }
    }

    /// <summary>Decodes the frame at <paramref name="start"/>; returns the offset just past it.</summary>
    private static int DecompressFrame(ReadOnlySpan<byte> source, int start, ref BoundedOutput output)
    {
        var frame = source[start..];
        if (frame.Length < MagicSize)
        {
            throw Error($"frame at offset {start} is truncated");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if ((magic & 0xFFFFFFF0) == SkippableMagic)
        {
            if (frame.Length < MagicSize + 4 || BinaryPrimitives.ReadUInt32LittleEndian(frame[MagicSize..]) > (uint)(frame.Length - MagicSize - 4))
            {
                throw Error($"skippable frame at offset {start} is truncated");
            }

            return start + MagicSize + 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[MagicSize..]);
        }

        if (magic != FrameMagic)
        {
            throw Error($"no LZ4 frame at offset {start} (magic 0x{magic:X8})");
        }

        if (frame.Length < MagicSize + 3)
        {
            throw Error("frame header is truncated");
        }

        var flags = frame[MagicSize];
        var blockDescriptor = frame[MagicSize + 1];
        var descriptorLength = 2 + ((flags & FlagContentSize) != 0 ? 8 : 0) + ((flags & FlagDictionaryId) != 0 ? 4 : 0);
        if (frame.Length < MagicSize + descriptorLength + 1)
        {
            throw Error("frame header is truncated");
        }

        var descriptor = frame.Slice(MagicSize, descriptorLength);
        if ((byte)(XxHash32.HashToUInt32(descriptor) >> 8) != frame[MagicSize + descriptorLength])
        {
            throw Error("frame header checksum does not match");
        }

        if ((flags & VersionMask) != Version01 || (flags & FlagReserved) != 0 || (blockDescriptor & BlockDescriptorReserved) != 0)
        {
            throw Error("frame header has an unknown version or reserved bits set");
        }

        var blockSizeId = blockDescriptor >> 4;
        if (blockSizeId < BlockSizeId64KiB)
        {
            throw Error($"frame header has an invalid block size id {blockSizeId}");
        }

        if ((flags & FlagDictionaryId) != 0)
        {
            throw Error("frame needs a dictionary, which Kafka never uses");
        }

        var frameState = new FrameState
        {
            MaxBlockSize = 1 << (8 + (2 * blockSizeId)), // 4: 64 KiB, 5: 256 KiB, 6: 1 MiB, 7: 4 MiB
            ContentSize = (flags & FlagContentSize) != 0 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(descriptor[2..]) : -1,
            ContentHash = (flags & FlagContentChecksum) != 0 ? new XxHash32() : null,
            Chain = (flags & FlagBlockIndependent) == 0 ? new LZ4ChainDecoder(1 << (8 + (2 * blockSizeId)), 0) : null,
        };
        try
        {
            var end = DecompressBlocks(frame, MagicSize + descriptorLength + 1, (flags & FlagBlockChecksum) != 0, ref frameState, ref output);
            if (frameState.ContentSize >= 0 && frameState.ContentSize != frameState.Produced)
            {
                throw Error($"frame declares {frameState.ContentSize} bytes of content but holds {frameState.Produced}");
            }

            if (frameState.ContentHash is not null)
            {
                if (frame.Length - end < ChecksumSize)
                {
                    throw Error("content checksum is truncated");
                }

                if (BinaryPrimitives.ReadUInt32LittleEndian(frame[end..]) != frameState.ContentHash.GetCurrentHashAsUInt32())
                {
                    throw Error("content checksum does not match");
                }

                end += ChecksumSize;
            }

            return start + end;
        }
        finally
        {
            frameState.Chain?.Dispose();
            if (frameState.Scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(frameState.Scratch);
            }
        }
    }

    /// <summary>Decodes blocks from <paramref name="position"/> to the EndMark; returns the offset just past it.</summary>
    private static int DecompressBlocks(ReadOnlySpan<byte> frame, int position, bool blockChecksums, ref FrameState state, ref BoundedOutput output)
    {
        while (true)
        {
            if (frame.Length - position < BlockSizeFieldSize)
            {
                throw Error("frame is truncated before its end mark");
            }

            var sizeField = BinaryPrimitives.ReadUInt32LittleEndian(frame[position..]);
            position += BlockSizeFieldSize;
            if (sizeField == 0)
            {
                return position;
            }

            var size = (int)(sizeField & ~UncompressedBlock);
            if (size > state.MaxBlockSize)
            {
                throw Error($"block of {size} bytes is larger than the frame's maximum block size {state.MaxBlockSize}");
            }

            if (size + (blockChecksums ? ChecksumSize : 0) > frame.Length - position)
            {
                throw Error("block is truncated");
            }

            var data = frame.Slice(position, size);
            position += size;
            if (blockChecksums)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(frame[position..]) != XxHash32.HashToUInt32(data))
                {
                    throw Error("block checksum does not match");
                }

                position += ChecksumSize;
            }

            if ((sizeField & UncompressedBlock) != 0)
            {
                var target = output.GetExact(size);
                data.CopyTo(target);
                InjectIntoChain(data, ref state);
                Commit(target, ref state, ref output);
            }
            else if (state.Chain is not null)
            {
                DecodeLinkedBlock(data, ref state, ref output);
            }
            else
            {
                DecodeIndependentBlock(data, ref state, ref output);
            }
        }
    }

    private static void DecodeIndependentBlock(ReadOnlySpan<byte> data, ref FrameState state, ref BoundedOutput output)
    {
        if (output.Remaining >= state.MaxBlockSize)
        {
            var target = output.GetExact(state.MaxBlockSize);
            var decoded = LZ4Codec.Decode(data, target);
            if (decoded < 0)
            {
                throw Error("block is corrupt");
            }

            Commit(target[..decoded], ref state, ref output);
            return;
        }

        // Close to the output limit: decode aside so a block that would pass the limit is told apart from a corrupt one.
        state.Scratch ??= ArrayPool<byte>.Shared.Rent(state.MaxBlockSize);
        var length = LZ4Codec.Decode(data, state.Scratch.AsSpan(0, state.MaxBlockSize));
        if (length < 0)
        {
            throw Error("block is corrupt");
        }

        var exact = output.GetExact(length);
        state.Scratch.AsSpan(0, length).CopyTo(exact);
        Commit(exact, ref state, ref output);
    }

    /// <summary>A block of a linked frame may refer to the 64 KiB before it, which the chain decoder keeps.</summary>
    private static unsafe void DecodeLinkedBlock(ReadOnlySpan<byte> data, ref FrameState state, ref BoundedOutput output)
    {
        int decoded;
        fixed (byte* input = data)
        {
            try
            {
                decoded = state.Chain!.Decode(input, data.Length, state.MaxBlockSize);
            }
            catch (InvalidOperationException e)
            {
                throw new CompressionException(CompressionCodec.Lz4, "block is corrupt", e);
            }
        }

        var target = output.GetExact(decoded);
        fixed (byte* destination = target)
        {
            state.Chain.Drain(destination, -decoded, decoded);
        }

        Commit(target, ref state, ref output);
    }

    /// <summary>An uncompressed block of a linked frame is history for the next block too.</summary>
    private static unsafe void InjectIntoChain(ReadOnlySpan<byte> data, ref FrameState state)
    {
        if (state.Chain is null)
        {
            return;
        }

        fixed (byte* input = data)
        {
            state.Chain.Inject(input, data.Length);
        }
    }

    private static void Commit(Span<byte> decoded, ref FrameState state, ref BoundedOutput output)
    {
        state.ContentHash?.Append(decoded);
        state.Produced += decoded.Length;
        output.Advance(decoded.Length);
    }

    private static byte[] FrameHeader(int flags, int blockDescriptor)
    {
        var header = new byte[MagicSize + 3];
        BinaryPrimitives.WriteUInt32LittleEndian(header, FrameMagic);
        header[MagicSize] = (byte)flags;
        header[MagicSize + 1] = (byte)blockDescriptor;
        header[MagicSize + 2] = (byte)(XxHash32.HashToUInt32(header.AsSpan(MagicSize, 2)) >> 8);
        return header;
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Lz4, message);

    /// <summary>What decoding one frame carries from block to block.</summary>
    private struct FrameState
    {
        public int MaxBlockSize;
        public long ContentSize; // -1 when the frame does not declare it
        public long Produced;
        public XxHash32? ContentHash;
        public LZ4ChainDecoder? Chain; // linked frames only
        public byte[]? Scratch; // rented on first use near the output limit
    }
}
