using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Tributary.Protocol.Compression;

/// <summary>
/// gzip (RFC 1952), Kafka codec 1.
/// <para>
/// Compression is one <see cref="GZipStream"/> member, as every Kafka client writes.
/// </para>
/// <para>
/// Decompression parses the gzip framing itself and hands only the raw deflate data of each
/// member to <see cref="DeflateStream"/>. GZipStream cannot be used for reading because (as of
/// .NET 10) it reports a clean end of stream for a truncated member unless the process-wide
/// "System.IO.Compression.UseStrictValidation" switch is on, and silently ignores junk after the
/// last member. Owning the framing lets us check every member's CRC-32 and ISIZE, accept
/// concatenated members (the gzip format allows them and some producers and tools emit them),
/// and reject truncation and trailing garbage.
/// </para>
/// </summary>
internal static class GzipCodec
{
    private const byte Id1 = 0x1F;
    private const byte Id2 = 0x8B;
    private const byte MethodDeflate = 8;
    private const int FixedHeaderLength = 10;
    private const int TrailerLength = 8;
    private const byte FlagHeaderCrc = 0x02;
    private const byte FlagExtra = 0x04;
    private const byte FlagName = 0x08;
    private const byte FlagComment = 0x10;
    private const byte ReservedFlags = 0xE0;

    /// <summary>
    /// A complete member for empty input (as `gzip -n` writes it): GZipStream writes nothing at
    /// all when given no data, which is not a valid gzip stream.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyMember =>
    [
        Id1, Id2, MethodDeflate, 0, 0, 0, 0, 0, 0, 3, // header: no flags, no mtime, OS Unix
        0x03, 0x00, // one final fixed-Huffman block holding only end-of-block
        0, 0, 0, 0, 0, 0, 0, 0, // CRC-32 and ISIZE of nothing
    ];

    /// <param name="level">-1 for zlib's default (6), otherwise 0 (stored) to 9.</param>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level)
    {
        if (level is < -1 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "gzip levels are -1 (default) or 0-9.");
        }

        if (source.IsEmpty)
        {
            destination.Write(EmptyMember);
            return;
        }

        using var sink = new BufferWriterStream(destination);
        using var gzip = new GZipStream(sink, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        gzip.Write(source);
    }

    public static unsafe void Decompress(ReadOnlySpan<byte> source, ref BoundedOutput output)
    {
        if (source.IsEmpty)
        {
            throw Error("input is empty");
        }

        // MemberFeed reads through this pointer; it is created and disposed inside the fixed block.
        fixed (byte* pinned = source)
        {
            using var feed = new MemberFeed(pinned, source.Length);
            var position = 0;
            do
            {
                position = DecompressMember(source, position, feed, ref output);
            }
            while (position < source.Length);
        }
    }

    /// <summary>Decodes the member starting at <paramref name="start"/>; returns the offset just past it.</summary>
    private static int DecompressMember(ReadOnlySpan<byte> source, int start, MemberFeed feed, ref BoundedOutput output)
    {
        var dataStart = ReadHeader(source, start);

        // If this member is the last one, its deflate data ends at this byte (the trailer follows).
        var lastDataByte = source.Length - TrailerLength - 1;
        if (lastDataByte < dataStart)
        {
            throw Error("member is truncated (no room for deflate data and trailer)");
        }

        feed.Begin(dataStart, lastDataByte);
        var crc = new Crc32();
        var size = 0L;
        using (var inflater = new DeflateStream(feed, CompressionMode.Decompress, leaveOpen: true))
        {
            while (true)
            {
                var chunk = output.GetChunk();
                int read;
                try
                {
                    read = inflater.Read(chunk);
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    throw Error("invalid deflate data", e);
                }

                if (read == 0)
                {
                    break;
                }

                crc.Append(chunk[..read]);
                size += read;
                output.Advance(read);
            }
        }

        if (feed.Starved)
        {
            throw Error("deflate data is truncated");
        }

        var checksum = crc.GetCurrentHashAsUInt32();

        // The deflate data ended inside the last range the inflater asked for: exactly at its end
        // when that range was one byte (always so for the last member of well-formed input),
        // otherwise where this member's trailer and the next member's header are found.
        var trailer = feed.LastReadEnd - feed.LastReadStart == 1
            ? feed.LastReadEnd
            : FindTrailer(source, feed.LastReadStart + 1, feed.LastReadEnd, checksum, (uint)size);
        if (trailer < 0 || trailer > source.Length - TrailerLength)
        {
            throw Error("member trailer is missing or truncated, or does not match the data");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[trailer..]) != checksum)
        {
            throw Error("CRC-32 of the decompressed data does not match the member trailer");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source[(trailer + 4)..]) != (uint)size)
        {
            throw Error("decompressed length does not match the member trailer");
        }

        return trailer + TrailerLength;
    }

    /// <summary>Returns the offset of the deflate data following the member header at <paramref name="start"/>.</summary>
    private static int ReadHeader(ReadOnlySpan<byte> source, int start)
    {
        var header = source[start..];
        if (header.Length < FixedHeaderLength)
        {
            throw Error(start == 0 ? "input is too short for a gzip header" : $"{header.Length} trailing bytes after the last member");
        }

        if (header[0] != Id1 || header[1] != Id2)
        {
            throw Error(start == 0 ? "missing gzip magic bytes 1F 8B" : $"data at offset {start} after a member is not a gzip member");
        }

        if (header[2] != MethodDeflate)
        {
            throw Error($"unsupported compression method {header[2]}");
        }

        var flags = header[3];
        if ((flags & ReservedFlags) != 0)
        {
            throw Error("reserved header flags are set");
        }

        var p = FixedHeaderLength;
        if ((flags & FlagExtra) != 0)
        {
            if (header.Length - p < 2)
            {
                throw Error("header is truncated");
            }

            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[p..]);
            p += 2;
            if (header.Length - p < extraLength)
            {
                throw Error("header extra field is truncated");
            }

            p += extraLength;
        }

        if ((flags & FlagName) != 0)
        {
            p = SkipZeroTerminated(header, p);
        }

        if ((flags & FlagComment) != 0)
        {
            p = SkipZeroTerminated(header, p);
        }

        if ((flags & FlagHeaderCrc) != 0)
        {
            if (header.Length - p < 2)
            {
                throw Error("header is truncated");
            }

            if ((ushort)Crc32.HashToUInt32(header[..p]) != BinaryPrimitives.ReadUInt16LittleEndian(header[p..]))
            {
                throw Error("header CRC mismatch");
            }

            p += 2;
        }

        return start + p;
    }

    private static int SkipZeroTerminated(ReadOnlySpan<byte> header, int p)
    {
        var terminator = header[p..].IndexOf((byte)0);
        return terminator < 0 ? throw Error("header string field is not terminated") : p + terminator + 1;
    }

    /// <summary>
    /// Finds the trailer of a member that is not the last one: the first offset in
    /// [<paramref name="from"/>, <paramref name="to"/>] holding this member's CRC-32 and ISIZE and
    /// followed by the next member's magic. The magic check matters: the tail of the deflate data
    /// can overlap a repetitive trailer (an empty member ends in 00 and has an all-zero trailer).
    /// </summary>
    private static int FindTrailer(ReadOnlySpan<byte> source, int from, int to, uint crc, uint size)
    {
        Span<byte> expected = stackalloc byte[TrailerLength + 2];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], size);
        expected[TrailerLength] = Id1;
        expected[TrailerLength + 1] = Id2;
        var last = Math.Min(to, source.Length - expected.Length);
        for (var p = from; p <= last; p++)
        {
            if (source.Slice(p, expected.Length).SequenceEqual(expected))
            {
                return p;
            }
        }

        return -1;
    }

    private static CompressionException Error(string message) => new(CompressionCodec.Gzip, message);

    private static CompressionException Error(string message, Exception inner) => new(CompressionCodec.Gzip, message, inner);

    /// <summary>
    /// Serves one member's deflate data to <see cref="DeflateStream"/> and records which input
    /// range it asked for last, which is how we learn where the deflate data ended: the inflater
    /// only asks for input once it has consumed everything it was given, and stops asking once
    /// the deflate stream is complete. The byte at the split offset (the last data byte if the
    /// member is last in the input, the common case) is served on its own, so for a final member
    /// the end is known exactly; for earlier members the trailer is located within the last range.
    /// Both properties come from DeflateStream over zlib (which consumes input exactly up to the
    /// end of a deflate stream) rather than from documentation; the truncation and concatenation
    /// tests fail if a runtime update changes them.
    /// </summary>
    private sealed unsafe class MemberFeed : Stream
    {
        private readonly byte* _data;
        private readonly int _length;
        private int _position;
        private int _splitAt;

        public MemberFeed(byte* data, int length)
        {
            _data = data;
            _length = length;
        }

        /// <summary>True if the inflater asked for more input after all of it had been served.</summary>
        public bool Starved { get; private set; }

        public int LastReadStart { get; private set; }

        public int LastReadEnd { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Begin(int start, int splitAt)
        {
            _position = start;
            _splitAt = splitAt;
            Starved = false;
            LastReadStart = start;
            LastReadEnd = start;
        }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_position >= _length)
            {
                Starved = true;
                return 0;
            }

            var count = Math.Min(buffer.Length, _length - _position);
            if (_position < _splitAt)
            {
                count = Math.Min(count, _splitAt - _position);
            }
            else if (_position == _splitAt)
            {
                count = 1;
            }

            new ReadOnlySpan<byte>(_data + _position, count).CopyTo(buffer);
            LastReadStart = _position;
            _position += count;
            LastReadEnd = _position;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            return Read(buffer.AsSpan(offset, count));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
