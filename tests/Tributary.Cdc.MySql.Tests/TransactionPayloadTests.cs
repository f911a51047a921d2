using System.Text;
using Tributary.Cdc.MySql.Binlog;
using Tributary.Cdc.MySql.Protocol;

namespace Tributary.Cdc.MySql.Tests;

/// <summary>
/// MySQL's TRANSACTION_PAYLOAD_EVENT (binlog_transaction_compression) through the binlog reader, from events built by
/// hand after MySQL's documented layouts and compressed with zstd here (no MySQL server runs on this machine): the
/// reader hands out the events inside one by one, with the payload event's position.
/// </summary>
public sealed class TransactionPayloadTests
{
    private static byte[] Event(BinlogEventType type, byte[] body, uint nextPosition = 0)
    {
        var length = 19 + body.Length;
        return [.. BitConverter.GetBytes(1_700_000_000u), (byte)type, .. BitConverter.GetBytes(1u), .. BitConverter.GetBytes((uint)length),
            .. BitConverter.GetBytes(nextPosition), 0, 0, .. body];
    }

    private static byte[] Transaction()
    {
        byte[] begin = [.. BitConverter.GetBytes(7u), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .. "BEGIN"u8];
        byte[] tableMap =
        [
            1, 0, 0, 0, 0, 0, 0, 0,     // table id 1, flags
            1, (byte)'d', 0, 1, (byte)'t', 0,
            2, 3, 245,                  // 2 columns: INT, JSON
            1, 4,                       // metadata: JSON's length is 4 bytes
            0,                          // null bitmap
        ];
        byte[] json = [0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 0x61]; // {"a":1}
        byte[] rows =
        [
            1, 0, 0, 0, 0, 0, 0, 0, 2, 0, // table id 1, flags, extra data length 2
            2, 0x03,                      // 2 columns, both present
            0x00, .. BitConverter.GetBytes(42), .. BitConverter.GetBytes(json.Length), .. json,
        ];
        return [.. Event(BinlogEventType.Query, begin), .. Event(BinlogEventType.TableMap, tableMap), .. Event(BinlogEventType.WriteRowsV2, rows),
            .. Event(BinlogEventType.Xid, BitConverter.GetBytes(99UL))];
    }

    /// <summary>The payload event: size, compression type and uncompressed size fields (length-encoded type, length, value), the end mark, the payload.</summary>
    private static byte[] PayloadEvent(byte[] payload, byte compression, int uncompressedSize, uint nextPosition)
    {
        byte[] Lenenc(int value) => value < 251 ? [(byte)value] : [0xFC, (byte)value, (byte)(value >> 8)];
        var size = Lenenc(payload.Length);
        var uncompressed = Lenenc(uncompressedSize);
        var type = Lenenc(compression); // 255 (none) takes three bytes: 0xFC 0xFF 0x00
        byte[] body = [1, (byte)size.Length, .. size, 2, (byte)type.Length, .. type, 3, (byte)uncompressed.Length, .. uncompressed, 0, .. payload];
        return Event(BinlogEventType.TransactionPayload, body, nextPosition);
    }

    private static BinlogReader Reader(params byte[][] events)
    {
        var packets = new Queue<byte[]>(events.Select(e => (byte[])[0x00, .. e]));
        return new BinlogReader(_ => ValueTask.FromResult(packets.Dequeue()), checksummed: false);
    }

    private static async Task<List<BinlogEvent>> ReadAsync(BinlogReader reader, int count)
    {
        var events = new List<BinlogEvent>();
        for (var i = 0; i < count; i++)
        {
            events.Add((await reader.ReadAsync(CancellationToken.None))!.Value);
        }
        return events;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_events_inside_a_payload_come_out_one_by_one_at_the_payload_events_position(bool zstd)
    {
        var transaction = Transaction();
        byte[] payload;
        if (zstd)
        {
            using var compressor = new ZstdSharp.Compressor(3);
            payload = compressor.Wrap(transaction).ToArray();
        }
        else
        {
            payload = transaction;
        }
        var outer = PayloadEvent(payload, zstd ? (byte)0 : (byte)255, transaction.Length, nextPosition: 5000);
        var next = Event(BinlogEventType.Xid, BitConverter.GetBytes(100UL), nextPosition: 5100);
        var events = await ReadAsync(Reader(outer, next), 5);

        Assert.Equal([BinlogEventType.Query, BinlogEventType.TableMap, BinlogEventType.WriteRowsV2, BinlogEventType.Xid, BinlogEventType.Xid], events.Select(e => e.Header.Type));
        Assert.Equal("BEGIN", ((QueryEvent)events[0].Body!).Sql);
        var row = ((RowsEvent)events[2].Body!).Rows.Single().After!;
        Assert.Equal(42L, Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("""{"a":1}""", row[1]);
        Assert.Equal(99UL, events[3].Body);
        var outerPosition = 5000 - outer.Length;
        Assert.All(events.Take(4), e => Assert.Equal(outerPosition, e.Header.Position));
        Assert.All(events.Take(4), e => Assert.Equal(5000u, e.Header.NextPosition)); // a commit inside moves past the payload event
        Assert.Equal(100UL, events[4].Body);
    }

    [Fact]
    public async Task Corrupt_or_unsupported_payloads_fail_with_a_binlog_error()
    {
        var transaction = Transaction();
        var corrupt = PayloadEvent([.. Encoding.ASCII.GetBytes("not zstd at all")], 0, transaction.Length, 5000);
        await Assert.ThrowsAsync<BinlogProtocolException>(async () => await Reader(corrupt).ReadAsync(CancellationToken.None));
        var lz4 = PayloadEvent(transaction, 1, transaction.Length, 5000);
        var error = await Assert.ThrowsAsync<BinlogProtocolException>(async () => await Reader(lz4).ReadAsync(CancellationToken.None));
        Assert.Contains("compression type 1", error.Message);
        var truncated = PayloadEvent(transaction[..30], 255, 30, 5000); // the first event is cut inside
        await Assert.ThrowsAsync<BinlogProtocolException>(async () => await ReadAsync(Reader(truncated), 2));
    }
}
