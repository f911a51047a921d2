using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Registry.Avro;
using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;
using Tributary.Delivery.Dialect;

namespace Tributary.Connect.S3.Formats;

/// <summary>
/// Confluent's AvroFormat: an Avro object container file (Avro specification, "Object Container Files") of the values,
/// whose schema is the first record's value schema as Confluent's AvroData maps it (a schema change rotates the file,
/// so every record of a file shares it); <c>avro.codec</c> null, deflate or snappy; extension <c>.avro</c>. The sync
/// marker is derived from the object key, so a file written again after a crash has the same bytes.
/// </summary>
public sealed class AvroFormat(string codec) : IRecordFormat
{
    public string Extension => ".avro";

    public IObjectEncoder<S3Record> Encoder { get; } = new ContainerEncoder(codec);

    public bool OneSchemaPerFile => true;

    public byte[] Prepare(SinkRecord record)
    {
        if (record.ValueSchema is not { } schema)
        {
            throw new DataException("AvroFormat needs records with a value schema (a converter with schemas); this one has none");
        }
        Schema.ValidateValue(schema, record.Value);
        return [];
    }

    private sealed class ContainerEncoder(string codec) : IObjectEncoder<S3Record>
    {
        /// <summary>Values per block before the block is written (compressed as one unit).</summary>
        private const int BlockBytes = 64 * 1024;

        public EncodedObject<S3Record> Write(Stream output, string key, IReadOnlyList<S3Record> records)
        {
            var schema = records[0].Sink.ValueSchema!;
            var encoder = new AvroValueEncoder(schema);
            Span<byte> sync = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(key), sync);
            sync = sync[..16];
            var header = new ArrayBufferWriter<byte>();
            header.Write("Obj\u0001"u8);
            WriteLong(header, 2);
            WriteBytes(header, "avro.codec"u8);
            WriteBytes(header, Encoding.UTF8.GetBytes(codec));
            WriteBytes(header, "avro.schema"u8);
            WriteBytes(header, Encoding.UTF8.GetBytes(encoder.SchemaJson));
            WriteLong(header, 0);
            header.Write(sync);
            output.Write(header.WrittenSpan);
            var block = new ArrayBufferWriter<byte>(BlockBytes * 2);
            var frame = new ArrayBufferWriter<byte>(32);
            long count = 0;
            long bytes = 0;
            foreach (var record in records)
            {
                encoder.Write(block, record.Sink.Value);
                count++;
                if (block.WrittenCount >= BlockBytes)
                {
                    bytes += block.WrittenCount;
                    WriteBlock(output, block, frame, count, sync);
                    count = 0;
                }
            }
            if (count > 0)
            {
                bytes += block.WrittenCount;
                WriteBlock(output, block, frame, count, sync);
            }
            return new(records.Count, bytes, []);
        }

        private void WriteBlock(Stream output, ArrayBufferWriter<byte> block, ArrayBufferWriter<byte> frame, long count, ReadOnlySpan<byte> sync)
        {
            var data = Compress(block.WrittenSpan);
            frame.ResetWrittenCount();
            WriteLong(frame, count);
            WriteLong(frame, data.Length);
            output.Write(frame.WrittenSpan);
            output.Write(data);
            output.Write(sync);
            block.ResetWrittenCount();
        }

        private byte[] Compress(ReadOnlySpan<byte> data)
        {
            switch (codec)
            {
                case "deflate":
                    {
                        using var buffer = new MemoryStream();
                        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
                        {
                            deflate.Write(data);
                        }
                        return buffer.ToArray();
                    }
                case "snappy":
                    {
                        // A snappy block followed by the big-endian CRC-32 of the uncompressed data.
                        var compressed = Snappier.Snappy.CompressToArray(data);
                        var framed = new byte[compressed.Length + 4];
                        compressed.CopyTo(framed, 0);
                        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(compressed.Length), Crc32.HashToUInt32(data));
                        return framed;
                    }
                default:
                    return data.ToArray();
            }
        }

        private static void WriteBytes(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
        {
            WriteLong(output, bytes.Length);
            output.Write(bytes);
        }

        /// <summary>Avro's long: zig-zag, then a base-128 varint.</summary>
        private static void WriteLong(ArrayBufferWriter<byte> output, long value)
        {
            var zigzag = (ulong)((value << 1) ^ (value >> 63));
            var span = output.GetSpan(10);
            var length = 0;
            while (zigzag >= 0x80)
            {
                span[length++] = (byte)(zigzag | 0x80);
                zigzag >>= 7;
            }
            span[length++] = (byte)zigzag;
            output.Advance(length);
        }
    }
}
