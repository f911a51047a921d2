using System.Text;
using Tributary.Delivery.Compression;

namespace Tributary.Delivery.Tests;

/// <summary>
/// Each object codec's output is decoded by an independent tool in a separate process (gzip, unzip, python-snappy)
/// and must give back exactly the bytes written.
/// </summary>
[Trait("Category", "process")]
public sealed class CompressionTests
{
    public static TheoryData<string> Payloads => ["empty", "small", "lines", "random", "large"];

    /// <summary>Inputs that cover empty objects, one partial block, compressible and incompressible multi-block data.</summary>
    private static byte[] Payload(string name)
    {
        switch (name)
        {
            case "empty":
                return [];
            case "small":
                return Encoding.UTF8.GetBytes("{\"ticker\":\"AMZN\",\"price\":123.45}\n");
            case "lines":
                var text = new StringBuilder();
                for (var i = 0; i < 40_000; i++)
                {
                    text.Append("{\"id\":").Append(i).Append(",\"customer\":\"c-").Append(i % 97).Append("\",\"ok\":true}\n");
                }
                return Encoding.UTF8.GetBytes(text.ToString()); // ~1.6 MB: many Snappy chunks and Hadoop blocks
            case "random":
                var random = new byte[700_000]; // incompressible: Snappy's uncompressed chunks, Hadoop chunks larger than their input
                new Random(1).NextBytes(random);
                return random;
            default:
                var large = new byte[3_000_000];
                var generator = new Random(2);
                for (var i = 0; i < large.Length; i++)
                {
                    large[i] = (byte)(generator.Next(4) == 0 ? generator.Next(256) : 'a' + (i % 7));
                }
                return large;
        }
    }

    /// <summary>Writes <paramref name="data"/> through the writer in uneven pieces, sync or async.</summary>
    private static async Task<string> WriteAsync(TempDirectory temp, CompressionFormat format, byte[] data, string name, bool asynchronous, ObjectCompressionOptions? options = null)
    {
        var path = temp.File(name);
        var destination = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var writer = ObjectCompression.CreateWriter(format, destination, options);
        var sizes = new[] { 1, 7, 1000, 65_535, 65_537, 200_000, 13 };
        var position = 0;
        for (var i = 0; position < data.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], data.Length - position);
            if (asynchronous)
            {
                await writer.WriteAsync(data.AsMemory(position, size));
            }
            else
            {
                writer.Write(data, position, size);
            }
            position += size;
        }
        if (asynchronous)
        {
            await writer.DisposeAsync();
        }
        else
        {
            writer.Dispose();
        }
        Assert.False(destination.CanWrite, "disposing the writer must close the destination it owns");
        return path;
    }

    private static async Task AssertDecodesAsync(string expectedFile, byte[] expected, ClientResult result)
    {
        result.EnsureSuccess();
        var decoded = await File.ReadAllBytesAsync(expectedFile);
        Assert.True(expected.AsSpan().SequenceEqual(decoded), $"decoded {decoded.Length} bytes differ from the {expected.Length} written\n{result}");
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Gzip_objects_decode_with_gzip(string payload)
    {
        var gzip = Tools.RequireProgram("gzip", "gzip");
        using var temp = Tools.TempDirectory();
        var data = Payload(payload);
        var path = await WriteAsync(temp, CompressionFormat.Gzip, data, "object.gz", asynchronous: true);
        var result = await ClientProcess.RunAsync("/bin/sh", ["-c", $"'{gzip}' -dc '{path}' > '{temp.File("out")}'"]);
        await AssertDecodesAsync(temp.File("out"), data, result);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Zip_objects_hold_one_entry_that_unzip_extracts(string payload)
    {
        var unzip = Tools.RequireProgram("unzip", "unzip");
        using var temp = Tools.TempDirectory();
        var data = Payload(payload);
        var key = "2018/08/27/10/stream-1-2018-08-27-10-30-00-id.zip";
        var options = new ObjectCompressionOptions { ZipEntryName = ObjectCompression.ZipEntryName(key), ZipEntryTime = new DateTimeOffset(2018, 8, 27, 10, 30, 0, TimeSpan.Zero) };
        var path = await WriteAsync(temp, CompressionFormat.Zip, data, "object.zip", asynchronous: false, options);

        var listing = (await ClientProcess.RunAsync(unzip, ["-Z1", path])).EnsureSuccess();
        Assert.Equal("stream-1-2018-08-27-10-30-00-id", listing.StandardOutput.Trim());
        var result = await ClientProcess.RunAsync("/bin/sh", ["-c", $"'{unzip}' -p '{path}' > '{temp.File("out")}'"]);
        await AssertDecodesAsync(temp.File("out"), data, result);
        var test = (await ClientProcess.RunAsync(unzip, ["-t", path])).EnsureSuccess(); // CRC check
        Assert.Contains("No errors detected", test.StandardOutput, StringComparison.Ordinal);

        // Deterministic: rewriting the same object gives the same bytes (a replay rewrites the same key).
        var again = await WriteAsync(temp, CompressionFormat.Zip, data, "again.zip", asynchronous: true, options);
        Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(again));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Snappy_objects_use_the_framing_format_that_python_snappy_reads(string payload)
    {
        Tools.RequirePythonSnappy();
        using var temp = Tools.TempDirectory();
        var data = Payload(payload);
        var path = await WriteAsync(temp, CompressionFormat.Snappy, data, "object.snappy", asynchronous: payload == "lines");
        // Debian's python-snappy 0.5.3 cannot check framing CRCs on Python 3.11 (its C crc32c fails with "PY_SSIZE_T_CLEAN
        // macro must be defined"), so the script parses the chunks, checks each masked CRC-32C in pure Python and
        // decompresses with libsnappy's raw snappy.uncompress.
        var parser = Path.Combine(InteropPaths.RepositoryRoot, "tests", "Tributary.Delivery.Tests", "snappy_framing_parse.py");
        var result = await ClientProcess.RunAsync(Tools.Python, [parser, path, temp.File("out")]);
        await AssertDecodesAsync(temp.File("out"), data, result);
        Assert.StartsWith("chunks ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Hadoop_snappy_objects_decode_with_python_snappy_and_a_framing_parser(string payload)
    {
        Tools.RequirePythonSnappy();
        using var temp = Tools.TempDirectory();
        var data = Payload(payload);
        var path = await WriteAsync(temp, CompressionFormat.HadoopSnappy, data, "object.hsnappy", asynchronous: payload != "lines");

        var library = await ClientProcess.RunAsync(Tools.Python, ["-m", "snappy", "-d", "-t", "hadoop_snappy", path, temp.File("out")]);
        await AssertDecodesAsync(temp.File("out"), data, library);

        var parser = Path.Combine(InteropPaths.RepositoryRoot, "tests", "Tributary.Delivery.Tests", "hadoop_snappy_parse.py");
        var parsed = await ClientProcess.RunAsync(Tools.Python, [parser, path, temp.File("parsed")]);
        await AssertDecodesAsync(temp.File("parsed"), data, parsed);
        var blocks = (data.Length + 218_421) / 218_422;
        Assert.Equal($"{blocks} blocks {blocks} chunks", parsed.StandardOutput.Trim());
    }

    [Fact]
    public async Task Uncompressed_objects_are_the_bytes_written_and_leave_open_keeps_the_destination()
    {
        var data = Payload("lines");
        using var destination = new MemoryStream();
        await using (var writer = ObjectCompression.CreateWriter(CompressionFormat.Uncompressed, destination, new ObjectCompressionOptions { LeaveOpen = true }))
        {
            await writer.WriteAsync(data);
        }
        Assert.True(destination.CanWrite);
        Assert.Equal(data, destination.ToArray());
    }

    [Theory]
    [InlineData(CompressionFormat.Snappy)]
    [InlineData(CompressionFormat.HadoopSnappy)]
    public void Block_writers_allocate_nothing_per_write_once_warm(CompressionFormat format)
    {
        // Snappier's block compressor allocates 48 bytes per call (its compressor and hash-table holders): allowed,
        // once per block of at least 64 KiB; a per-write allocation (2,000 writes a round) is far above this bound.
        const int WritesPerRound = 2000;
        const int PerBlockAllowance = 64;
        var blocksPerRound = (WritesPerRound * 1000 / (64 * 1024)) + 2;
        var chunk = Payload("lines").AsSpan(0, 1000).ToArray();
        using var writer = ObjectCompression.CreateWriter(format, Stream.Null);
        for (var i = 0; i < 1000; i++)
        {
            writer.Write(chunk); // warm up: the output buffer reaches its working size
        }
        // The shared array pool may drop its cached hash table when a GC trims it (other tests run in parallel), so
        // take the best of three rounds: a per-write allocation would show in every round.
        var fewest = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < WritesPerRound; i++)
            {
                writer.Write(chunk);
            }
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(fewest <= blocksPerRound * PerBlockAllowance, $"{fewest} bytes allocated for {WritesPerRound} writes");
    }

    [Theory]
    [InlineData("a/b/stream-1-2018-08-27-10-30-00-id.zip", "stream-1-2018-08-27-10-30-00-id")]
    [InlineData("stream-1-x.json", "stream-1-x.json")]
    [InlineData("p/.zip", ".zip")]
    public void Zip_entry_names_are_the_object_name_without_zip(string key, string expected) =>
        Assert.Equal(expected, ObjectCompression.ZipEntryName(key));
}
