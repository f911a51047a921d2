using System.IO.Compression;
using Avro.File;
using Avro.Generic;
using DuckDB.NET.Data;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Tests;

/// <summary>
/// The sink task in process against a local object directory (store.url=file://…): objects, keys, formats read back by
/// DuckDB and Apache.Avro, preCommit only past durable objects, exactly once across a restart that re-delivers, bad
/// records to the errant record reporter.
/// </summary>
public sealed class SinkTaskTests : IDisposable
{
    private static readonly Schema Event = SchemaBuilder.Struct().Name("Event")
        .Field("id", Schema.Int64).Field("name", Schema.String).Field("ts", Schema.Int64).Field("score", Schema.OptionalFloat64).Build();

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Bucket => Path.Combine(_directory.Path, "objects", "bucket");

    private Dictionary<string, string> Config(string format, params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string>
        {
            ["name"] = "s3-test",
            ["topics"] = "events",
            ["s3.bucket.name"] = "bucket",
            ["store.url"] = new Uri(Path.Combine(_directory.Path, "objects")).AbsoluteUri,
            ["storage.class"] = "io.confluent.connect.s3.storage.S3Storage",
            ["format.class"] = "io.confluent.connect.s3.format." + format,
            ["flush.size"] = "3",
            ["tributary.state.dir"] = Path.Combine(_directory.Path, "state"),
        };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }
        return config;
    }

    private static Struct Value(long id) =>
        new Struct(Event).Put("id", id).Put("name", "event-" + id).Put("ts", 1_542_411_910_000 + (id * 3_600_000)).Put("score", id % 2 == 0 ? id / 2.0 : null);

    private static SinkRecord Record(int partition, long offset, object? value, Schema? schema = null) =>
        new("events", partition, null, null, schema, value, offset, 1_542_411_910_000 + offset, TimestampType.CreateTime);

    private static async Task<(S3SinkTask Task, TestContext Context)> StartAsync(Dictionary<string, string> config)
    {
        var task = new S3SinkTask();
        var context = new TestContext(config);
        task.Initialize(context);
        await task.StartAsync(config, CancellationToken.None);
        return (task, context);
    }

    private string[] Keys() => Directory.Exists(Bucket)
        ? [.. Directory.EnumerateFiles(Bucket, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".tributary-tmp")).Select(f => Path.GetRelativePath(Bucket, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
        : [];

    private static Dictionary<TopicPartition, OffsetAndMetadata> Offsets(params (int Partition, long Next)[] offsets) =>
        offsets.ToDictionary(o => new TopicPartition("events", o.Partition), o => new OffsetAndMetadata(o.Next));

    [Fact]
    public async Task Json_gzip_objects_rotate_at_flush_size_with_Confluents_keys_and_commit_only_what_is_written()
    {
        var (task, _) = await StartAsync(Config("json.JsonFormat", ("s3.compression.type", "gzip")));
        await task.PutAsync([.. Enumerable.Range(0, 8).Select(i => Record(0, i, new Dictionary<string, object?> { ["id"] = (long)i, ["text"] = "line " + i }))], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 2, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(["topics/events/partition=0/events+0+0000000000.json.gz", "topics/events/partition=0/events+0+0000000003.json.gz"], Keys());
        // The group may commit past an object once the engine has confirmed it (just after it appears), never past 6.
        await Eventually.HoldsAsync(async () => (await task.PreCommitAsync(Offsets((0, 8)), CancellationToken.None)).GetValueOrDefault(new TopicPartition("events", 0)).Offset == 6, "preCommit to reach offset 6", TimeSpan.FromSeconds(60));
        using (var gzip = new GZipStream(System.IO.File.OpenRead(Path.Combine(Bucket, Keys()[1])), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
        {
            Assert.Equal("{\"id\":3,\"text\":\"line 3\"}\n{\"id\":4,\"text\":\"line 4\"}\n{\"id\":5,\"text\":\"line 5\"}\n", await reader.ReadToEndAsync());
        }
        var rows = DuckDbScalar($"SELECT count(*) || ':' || sum(id) FROM read_json_auto('{Bucket}/topics/events/*/*.json.gz')");
        Assert.Equal("6:15", rows);
        await task.StopAsync();
    }

    [Fact]
    public async Task Parquet_with_a_time_based_path_reads_back_in_DuckDB()
    {
        var (task, _) = await StartAsync(Config("parquet.ParquetFormat",
            ("partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"), ("path.format", "'year'=YYYY/'month'=MM/'day'=dd"),
            ("partition.duration.ms", "86400000"), ("locale", "en-US"), ("timezone", "UTC"), ("timestamp.extractor", "RecordField"), ("timestamp.field", "ts"),
            ("flush.size", "100"), ("rotate.schedule.interval.ms", "1000")));
        await task.PutAsync([.. Enumerable.Range(0, 30).Select(i => Record(0, i, Value(i), Event))], CancellationToken.None);
        // 30 hours from 2018-11-16T23:45Z: day 16 gets one record, day 17 24, day 18 5; the schedule closes each file.
        await Eventually.HoldsAsync(() => Keys().Length == 3, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(
        [
            "topics/events/year=2018/month=11/day=16/events+0+0000000000.snappy.parquet",
            "topics/events/year=2018/month=11/day=17/events+0+0000000001.snappy.parquet",
            "topics/events/year=2018/month=11/day=18/events+0+0000000025.snappy.parquet",
        ], Keys());
        Assert.Equal("30:435:event-9:105", DuckDbScalar($"SELECT count(*) || ':' || sum(id) || ':' || max(name) || ':' || sum(score)::BIGINT FROM read_parquet('{Bucket}/topics/events/*/*/*/*.parquet')"));
        await Eventually.HoldsAsync(async () => (await task.PreCommitAsync(Offsets((0, 30)), CancellationToken.None)).GetValueOrDefault(new TopicPartition("events", 0)).Offset == 30, "preCommit to reach offset 30", TimeSpan.FromSeconds(60));
        await task.StopAsync();
    }

    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    [InlineData("snappy")]
    public async Task Avro_files_read_back_with_Apache_Avro(string codec)
    {
        Avro.File.Codec.RegisterResolver(name => name == "snappy" ? new TestSnappyCodec() : null!);
        var (task, _) = await StartAsync(Config("avro.AvroFormat", ("avro.codec", codec)));
        await task.PutAsync([.. Enumerable.Range(0, 6).Select(i => Record(1, 100 + i, Value(i), Event))], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 2, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(["topics/events/partition=1/events+1+0000000100.avro", "topics/events/partition=1/events+1+0000000103.avro"], Keys());
        var ids = new List<long>();
        foreach (var key in Keys())
        {
            using var reader = DataFileReader<GenericRecord>.OpenReader(Path.Combine(Bucket, key));
            Assert.Equal(codec, reader.GetMetaString("avro.codec"));
            foreach (var record in reader.NextEntries)
            {
                ids.Add((long)record["id"]);
                Assert.Equal("event-" + record["id"], record["name"]);
            }
        }
        Assert.Equal([0, 1, 2, 3, 4, 5], ids);
        await task.StopAsync();
    }

    [Fact]
    public async Task A_restart_that_delivers_again_writes_every_record_once()
    {
        var config = Config("json.JsonFormat", ("flush.size", "4"));
        var (task, _) = await StartAsync(config);
        await task.PutAsync([.. Enumerable.Range(0, 10).Select(i => Record(0, i, (long)i, Schema.Int64))], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 2, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        // Stopped before the group committed anything: the worker delivers everything again from offset 0.
        await task.StopAsync();
        (task, _) = await StartAsync(config);
        await task.PutAsync([.. Enumerable.Range(0, 14).Select(i => Record(0, i, (long)i, Schema.Int64))], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 3, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(
        [
            "topics/events/partition=0/events+0+0000000000.json",
            "topics/events/partition=0/events+0+0000000004.json",
            "topics/events/partition=0/events+0+0000000008.json",
        ], Keys());
        var all = Keys().SelectMany(k => System.IO.File.ReadAllLines(Path.Combine(Bucket, k))).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), all);
        await Eventually.HoldsAsync(async () => (await task.PreCommitAsync(Offsets((0, 14)), CancellationToken.None)).GetValueOrDefault(new TopicPartition("events", 0)).Offset == 12, "preCommit to reach offset 12", TimeSpan.FromSeconds(60));
        await task.StopAsync();
    }

    [Fact]
    public async Task Idle_partitions_rotate_on_the_schedule()
    {
        var (task, _) = await StartAsync(Config("json.JsonFormat", ("flush.size", "1000"), ("rotate.schedule.interval.ms", "1000"), ("timezone", "UTC")));
        await task.PutAsync([Record(0, 0, "a", Schema.String), Record(0, 1, "b", Schema.String)], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 1, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal("\"a\"\n\"b\"\n", System.IO.File.ReadAllText(Path.Combine(Bucket, Keys()[0])));
        await task.StopAsync();
    }

    [Fact]
    public async Task Quiet_partitions_rotate_after_rotate_interval_without_new_records()
    {
        // Confluent's rotate.interval.ms only fires when a later record arrives (its issue #144); here a file also closes
        // once it has been open that long, so the last records of 40 quiet partitions do not wait for more traffic.
        var (task, _) = await StartAsync(Config("json.JsonFormat", ("flush.size", "1000"), ("rotate.interval.ms", "1500"),
            ("partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"), ("path.format", "YYYY-MM-dd"),
            ("partition.duration.ms", "86400000"), ("locale", "en-US"), ("timezone", "UTC"), ("timestamp.extractor", "Record")));
        await task.PutAsync([.. Enumerable.Range(0, 40).SelectMany(p => new[] { Record(p, 7, "a" + p, Schema.String), Record(p, 8, "b" + p, Schema.String) })], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 40, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 40).Select(p => $"topics/events/2018-11-16/events+{p}+0000000007.json").Order(StringComparer.Ordinal), Keys());
        Assert.All(Enumerable.Range(0, 40), p => Assert.Equal($"\"a{p}\"\n\"b{p}\"\n", System.IO.File.ReadAllText(Path.Combine(Bucket, $"topics/events/2018-11-16/events+{p}+0000000007.json"))));
        await task.StopAsync();
    }

    [Fact]
    [Trait("Category", "slow")]
    public async Task A_thousand_partitions_stay_within_the_buffer_bound_by_writing_the_largest_buffers_early()
    {
        // No rotation would close these files (flush.size far away, no interval): only the bound makes objects.
        const int partitions = 1000;
        const int perPartition = 8;
        const int bound = 2 * 1024 * 1024;
        var (task, _) = await StartAsync(Config("json.JsonFormat", ("flush.size", "1000000"), ("s3.part.size", "5242880"), ("tributary.max.buffered.bytes", bound.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var pad = new string('x', 1000);
        for (var partition = 0; partition < partitions; partition++)
        {
            await task.PutAsync([.. Enumerable.Range(0, perPartition).Select(offset => Record(partition, offset, pad + offset, Schema.String))], CancellationToken.None);
        }
        // 8,000 records of 1,003 JSON bytes plus the per-record overhead (~9.6 MB): with a 2 MiB bound at most
        // bound / size of them may still be buffered, so the rest must have been written early, in objects that each
        // begin where the previous one of their partition ended.
        const int size = Sink.SinkSourceRecord.RecordOverhead + 1003;
        int Written() => Keys().Sum(k => System.IO.File.ReadAllLines(Path.Combine(Bucket, k)).Length);
        await Eventually.HoldsAsync(() => Written() >= (partitions * perPartition) - (bound / size), () => $"{Written()} records written early", TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
        var next = new Dictionary<int, long>();
        foreach (var key in Keys())
        {
            var match = System.Text.RegularExpressions.Regex.Match(key, @"^topics/events/partition=(\d+)/events\+\1\+(\d{10})\.json$");
            Assert.True(match.Success, key);
            var partition = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var start = long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(next.GetValueOrDefault(partition), start);
            next[partition] = start + System.IO.File.ReadAllLines(Path.Combine(Bucket, key)).Length;
        }
        await task.StopAsync();
    }

    private static readonly Schema V1 = SchemaBuilder.Struct().Name("Event").Version(1).Field("id", Schema.Int64).Field("name", Schema.String).Build();
    private static readonly Schema V2 = SchemaBuilder.Struct().Name("Event").Version(2).Field("id", Schema.Int64).Field("name", Schema.String)
        .Field("level", SchemaBuilder.Int32().DefaultValue(7).Build()).Build();

    private static SinkRecord Versioned(long offset, Schema schema)
    {
        var value = new Struct(schema).Put("id", offset).Put("name", "n" + offset);
        if (schema.Field("level") is not null)
        {
            value.Put("level", (int)offset * 100);
        }
        return Record(0, offset, value, schema);
    }

    private List<(string Key, string Schema, List<string> Rows)> AvroFiles()
    {
        var files = new List<(string, string, List<string>)>();
        foreach (var key in Keys())
        {
            using var reader = DataFileReader<GenericRecord>.OpenReader(Path.Combine(Bucket, key));
            var rows = reader.NextEntries.Select(r => string.Join(":", ((Avro.RecordSchema)r.Schema).Fields.Select(f => r[f.Name]))).ToList();
            files.Add((key, string.Join(",", ((Avro.RecordSchema)reader.GetSchema()).Fields.Select(f => f.Name)), rows));
        }
        return files;
    }

    [Theory]
    [InlineData("BACKWARD", "1,1,2,1,2", "0:n0|1:n1", "id,name,level", "2:n2:200|3:n3:7|4:n4:400")]
    [InlineData("FULL", "1,1,2,1,2", "0:n0|1:n1", "id,name,level", "2:n2:200|3:n3:7|4:n4:400")]
    [InlineData("FORWARD", "2,2,1,2,1", "0:n0:0|1:n1:100", "id,name", "2:n2|3:n3|4:n4")]
    public async Task Schema_compatibility_rotates_on_a_change_and_projects_the_other_versions(string mode, string versions, string first, string secondSchema, string second)
    {
        // BACKWARD/FULL: a newer version rotates the file and an older one is projected to it (level takes its default
        // 7); FORWARD: an older version rotates and a newer one is projected to it (level dropped). flush.size 3 closes
        // the second file.
        var (task, _) = await StartAsync(Config("avro.AvroFormat", ("schema.compatibility", mode), ("flush.size", "3")));
        var records = versions.Split(',').Select((v, i) => Versioned(i, v == "1" ? V1 : V2)).ToList();
        await task.PutAsync(records, CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 2, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        await task.StopAsync();
        var files = AvroFiles();
        Assert.Equal(["topics/events/partition=0/events+0+0000000000.avro", "topics/events/partition=0/events+0+0000000002.avro"], files.Select(f => f.Key));
        Assert.Equal(first, string.Join("|", files[0].Rows));
        Assert.Equal(secondSchema, files[1].Schema);
        Assert.Equal(second, string.Join("|", files[1].Rows));
    }

    [Fact]
    public async Task Schema_compatibility_without_versions_sends_the_record_to_the_reporter()
    {
        var (task, context) = await StartAsync(Config("avro.AvroFormat", ("schema.compatibility", "BACKWARD"), ("errors.tolerance", "all")));
        await task.PutAsync([Versioned(0, V1), Record(0, 1, new Struct(Event).Put("id", 1L).Put("name", "x").Put("ts", 1L), Event)], CancellationToken.None);
        var (bad, error) = Assert.Single(context.Reported);
        Assert.Equal(1, bad.KafkaOffset);
        Assert.Equal("Schema version required for BACKWARD compatibility", error.Message);
        await task.StopAsync();
    }

    [Fact]
    public async Task A_record_that_does_not_fit_goes_to_the_reporter_or_fails_the_task()
    {
        var (task, context) = await StartAsync(Config("parquet.ParquetFormat", ("errors.tolerance", "all")));
        await task.PutAsync([Record(0, 0, Value(0), Event), Record(0, 1, "a string", Schema.String), Record(0, 2, Value(2), Event), Record(0, 3, Value(3), Event)], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 1, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        var (bad, error) = Assert.Single(context.Reported);
        Assert.Equal(1, bad.KafkaOffset);
        Assert.Contains("ParquetFormat needs Struct values", error.Message);
        Assert.Equal("3", DuckDbScalar($"SELECT count(*) FROM read_parquet('{Bucket}/topics/events/*/*.parquet')"));
        await task.StopAsync();

        var (strict, _) = await StartAsync(Config("parquet.ParquetFormat"));
        var failure = await Assert.ThrowsAsync<ConnectException>(() => strict.PutAsync([Record(0, 10, "a string", Schema.String)], CancellationToken.None));
        Assert.Contains("Tolerance exceeded", failure.Message);
        Assert.Contains("ParquetFormat needs Struct values", failure.InnerException!.Message);
        await strict.StopAsync();
    }

    private static SinkRecord Keyed(long offset, string? key, object? value, Schema? schema, params (string Key, int Value)[] headers) =>
        new("events", 0, Schema.String, key, schema, value, offset, 1_542_411_910_000 + offset, TimestampType.CreateTime,
            [.. headers.Select(h => new Headers.Header(h.Key, Schema.Int32, h.Value))]);

    [Fact]
    public async Task Keys_and_headers_files_sit_beside_each_value_file_in_their_own_formats()
    {
        var (task, _) = await StartAsync(Config("json.JsonFormat", ("store.kafka.keys", "true"), ("store.kafka.headers", "true"),
            ("headers.format.class", "io.confluent.connect.s3.format.json.JsonFormat")));
        await task.PutAsync([.. Enumerable.Range(0, 6).Select(i => Keyed(i, "k" + i, (long)i, Schema.Int64, ("n", i), ("m", -i)))], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 6, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        // Confluent's names: the view's affix before the format's extension; keys in the default keys format, Avro.
        Assert.Equal(
        [
            "topics/events/partition=0/events+0+0000000000.headers.json",
            "topics/events/partition=0/events+0+0000000000.json",
            "topics/events/partition=0/events+0+0000000000.keys.avro",
            "topics/events/partition=0/events+0+0000000003.headers.json",
            "topics/events/partition=0/events+0+0000000003.json",
            "topics/events/partition=0/events+0+0000000003.keys.avro",
        ], Keys());
        Assert.Equal("3\n4\n5\n", await System.IO.File.ReadAllTextAsync(Path.Combine(Bucket, Keys()[4])));
        Assert.Equal("[{\"key\":\"n\",\"value\":\"3\"},{\"key\":\"m\",\"value\":\"-3\"}]\n[{\"key\":\"n\",\"value\":\"4\"},{\"key\":\"m\",\"value\":\"-4\"}]\n"
            + "[{\"key\":\"n\",\"value\":\"5\"},{\"key\":\"m\",\"value\":\"-5\"}]\n", await System.IO.File.ReadAllTextAsync(Path.Combine(Bucket, Keys()[3])));
        using (var reader = DataFileReader<object>.OpenReader(Path.Combine(Bucket, Keys()[5])))
        {
            Assert.Equal(Avro.Schema.Type.String, reader.GetSchema().Tag);
            Assert.Equal(["k3", "k4", "k5"], reader.NextEntries.Cast<string>());
        }
        await Eventually.HoldsAsync(async () => (await task.PreCommitAsync(Offsets((0, 6)), CancellationToken.None)).GetValueOrDefault(new TopicPartition("events", 0)).Offset == 6, "preCommit to reach offset 6", TimeSpan.FromSeconds(60));
        await task.StopAsync();
    }

    [Fact]
    public async Task Tombstones_are_written_as_keys_files_under_the_tombstone_directory()
    {
        var (task, _) = await StartAsync(Config("json.JsonFormat", ("behavior.on.null.values", "write"), ("store.kafka.keys", "true"),
            ("keys.format.class", "io.confluent.connect.s3.format.json.JsonFormat"), ("flush.size", "2")));
        await task.PutAsync([Keyed(0, "a", 10L, Schema.Int64), Keyed(1, "b", 11L, Schema.Int64), Keyed(2, "a", null, null), Keyed(3, "b", null, null)], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 3, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(
        [
            "topics/events/partition=0/events+0+0000000000.json",
            "topics/events/partition=0/events+0+0000000000.keys.json",
            "topics/events/tombstone/events+0+0000000002.keys.json",
        ], Keys());
        Assert.Equal("\"a\"\n\"b\"\n", await System.IO.File.ReadAllTextAsync(Path.Combine(Bucket, Keys()[2])));
        await Eventually.HoldsAsync(async () => (await task.PreCommitAsync(Offsets((0, 4)), CancellationToken.None)).GetValueOrDefault(new TopicPartition("events", 0)).Offset == 4, "preCommit to reach offset 4", TimeSpan.FromSeconds(60));
        await task.StopAsync();
    }

    [Fact]
    public async Task Parquet_keys_are_enveloped_and_a_record_without_a_key_goes_to_the_reporter_from_every_file()
    {
        var (task, context) = await StartAsync(Config("parquet.ParquetFormat", ("store.kafka.keys", "true"),
            ("keys.format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"), ("errors.tolerance", "all")));
        await task.PutAsync([Keyed(0, "k0", Value(0), Event), Keyed(1, null, Value(1), Event), Keyed(2, "k2", Value(2), Event), Keyed(3, "k3", Value(3), Event)], CancellationToken.None);
        await Eventually.HoldsAsync(() => Keys().Length == 2, () => "objects: " + string.Join(", ", Keys()), TimeSpan.FromSeconds(60));
        Assert.Equal(["topics/events/partition=0/events+0+0000000000.keys.snappy.parquet", "topics/events/partition=0/events+0+0000000000.snappy.parquet"], Keys());
        var (bad, error) = Assert.Single(context.Reported);
        Assert.Equal(1, bad.KafkaOffset);
        Assert.Equal("Key cannot be null for SinkRecord: SinkRecord{topic='events', partition=0, offset=1}", error.Message);
        // The key file holds the keys of exactly the records in the value file, in the same order, as RecordKey{key}.
        Assert.Equal("k0,k2,k3", DuckDbScalar($"SELECT string_agg(key, ',') FROM read_parquet('{Bucket}/{Keys()[0]}')"));
        Assert.Equal("0,2,3", DuckDbScalar($"SELECT string_agg(id::VARCHAR, ',') FROM read_parquet('{Bucket}/{Keys()[1]}')"));
        await task.StopAsync();
    }

    /// <summary>
    /// Avro's snappy codec for Apache.Avro's reader (its own lives in a package the feed lacks): a snappy block, then the
    /// big-endian CRC-32 of the uncompressed bytes, checked here.
    /// </summary>
    private sealed class TestSnappyCodec : Avro.File.Codec
    {
        public override byte[] Compress(byte[] uncompressedData) => throw new NotSupportedException();

        public override void Compress(MemoryStream inputStream, MemoryStream outputStream) => throw new NotSupportedException();

        public override byte[] Decompress(byte[] compressedData, int length)
        {
            var data = Snappier.Snappy.DecompressToArray(compressedData.AsSpan(0, length - 4));
            Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(compressedData.AsSpan(length - 4, 4)), System.IO.Hashing.Crc32.HashToUInt32(data));
            return data;
        }

        public override string GetName() => "snappy";

        public override bool Equals(object? other) => other is TestSnappyCodec;

        public override int GetHashCode() => 1;
    }

    private static string DuckDbScalar(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    /// <summary>The worker's side: configs, and an errant record reporter that fails unless errors.tolerance=all, as the runtime's does.</summary>
    private sealed class TestContext(Dictionary<string, string> configs) : SinkTaskContext, ErrantRecordReporter
    {
        public List<(SinkRecord Record, Exception Error)> Reported { get; } = [];

        public IReadOnlyDictionary<string, string> Configs => configs;

        public IReadOnlyCollection<TopicPartition> Assignment => [];

        public ErrantRecordReporter? ErrantRecordReporter => this;

        public void Offset(IReadOnlyDictionary<TopicPartition, long> offsets)
        {
        }

        public void Offset(TopicPartition partition, long offset)
        {
        }

        public void Timeout(long timeoutMs)
        {
        }

        public void Pause(params TopicPartition[] partitions)
        {
        }

        public void Resume(params TopicPartition[] partitions)
        {
        }

        public void RequestCommit()
        {
        }

        public Task ReportAsync(SinkRecord record, Exception error)
        {
            if (configs.GetValueOrDefault("errors.tolerance") != "all")
            {
                throw new ConnectException("Tolerance exceeded in error handler", error);
            }
            Reported.Add((record, error));
            return Task.CompletedTask;
        }
    }
}
