using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.S3.Partitioners;
using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;

namespace Tributary.Connect.S3.Tests;

/// <summary>Encoded partitions and object keys, against keys Confluent's connector writes (golden strings).</summary>
public sealed class NamingTests
{
    private static readonly Schema Order = SchemaBuilder.Struct().Name("Order")
        .Field("region", Schema.String).Field("shard", Schema.Int32).Field("vip", Schema.OptionalBoolean).Field("ts", Schema.Int64).Build();

    private static SinkRecord Record(int partition, long offset, object? value, Schema? schema = null, long? timestamp = null) =>
        new("orders", partition, null, null, schema, value, offset, timestamp, TimestampType.CreateTime);

    private static Struct OrderValue(string region, int shard, bool? vip, long ts) =>
        new Struct(Order).Put("region", region).Put("shard", shard).Put("vip", vip).Put("ts", ts);

    [Fact]
    public void Keys_are_Confluents()
    {
        var keys = new ObjectKeys("topics", "/", "+", 10);
        // The quickstart of Confluent's docs: flush.size=3 gives these two objects.
        Assert.Equal("topics/s3_topic/partition=0/s3_topic+0+0000000000.avro", keys.FileKey("s3_topic", "partition=0", 0, 0, ".avro"));
        Assert.Equal("topics/s3_topic/partition=0/s3_topic+0+0000000003.avro", keys.FileKey("s3_topic", "partition=0", 0, 3, ".avro"));
        Assert.Equal("topics/foo/partition=0/foo+0+0000000000.snappy.parquet", keys.FileKey("foo", "partition=0", 0, 0, ".snappy.parquet"));
        Assert.Equal("my-topic/2018-11-16/my-topic+2+0000012345.json.gz", new ObjectKeys("", "/", "+", 10).FileKey("my-topic", "2018-11-16", 2, 12345, ".json.gz"));
        Assert.Equal("out_t_p=1_t#1#00042.bin", new ObjectKeys("out", "_", "#", 5).FileKey("t", "p=1", 1, 42, ".bin"));
        Assert.Equal("topics/t/partition=0/t+0+12345678901.json", keys.FileKey("t", "partition=0", 0, 12345678901, ".json"));
    }

    [Fact]
    public void Default_partitioner_is_the_kafka_partition() =>
        Assert.Equal("partition=7", new DefaultPartitioner().Partition(Record(7, 0, "x"), 0).EncodedPartition);

    [Fact]
    public void Field_partitioner_joins_fields_with_the_directory_delimiter()
    {
        var partitioner = new FieldPartitioner(["region", "shard", "vip"], "/");
        Assert.Equal("region=eu/shard=3/vip=true", partitioner.Partition(Record(0, 0, OrderValue("eu", 3, true, 0), Order), 0).EncodedPartition);
        Assert.Equal("region=us/shard=-1/vip=null", partitioner.Partition(Record(0, 0, OrderValue("us", -1, null, 0), Order), 0).EncodedPartition);
        var error = Assert.Throws<DataException>(() => partitioner.Partition(Record(0, 0, new Dictionary<string, object?> { ["region"] = "eu" }), 0));
        Assert.Contains("Value is not Struct type", error.Message);
    }

    [Fact]
    public void Time_based_paths_in_Joda_syntax()
    {
        // 2018-11-16T23:45:10.123Z
        var instant = new DateTimeOffset(2018, 11, 16, 23, 45, 10, 123, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var utc = TimeZoneInfo.Utc;
        var record = new RecordExtractor();
        Assert.Equal("year=2018/month=11/day=16", new TimeBasedPartitioner(TimeBasedPartitioner.DayMs, TimeBasedPartitioner.DailyPathFormat("/"), utc, record, "/").Encode(instant));
        Assert.Equal("year=2018/month=11/day=16/hour=23", new TimeBasedPartitioner(TimeBasedPartitioner.HourMs, TimeBasedPartitioner.HourlyPathFormat("/"), utc, record, "/").Encode(instant));
        Assert.Equal("2018-11-16", new TimeBasedPartitioner(TimeBasedPartitioner.DayMs, "YYYY-MM-dd", utc, record, "/").Encode(instant));
        // The trailing delimiter is dropped; 15-minute buckets floor the time.
        Assert.Equal("dt=2018-11-16/hr=23/min=45", new TimeBasedPartitioner(15 * 60_000, "'dt'=YYYY-MM-dd/'hr'=HH/'min'=mm/", utc, record, "/").Encode(instant));
        Assert.Equal("dt=2018-11-16/hr=23/min=30", new TimeBasedPartitioner(30 * 60_000, "'dt'=YYYY-MM-dd/'hr'=HH/'min'=mm/", utc, record, "/").Encode(instant));
        // Local days: in Los Angeles it is still the afternoon of the 16th.
        var losAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        Assert.Equal("year=2018/month=11/day=16/hour=15", new TimeBasedPartitioner(TimeBasedPartitioner.HourMs, TimeBasedPartitioner.HourlyPathFormat("/"), losAngeles, record, "/").Encode(instant));
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        Assert.Equal("year=2018/month=11/day=17", new TimeBasedPartitioner(TimeBasedPartitioner.DayMs, TimeBasedPartitioner.DailyPathFormat("/"), tokyo, record, "/").Encode(instant));
        // Joda's Y is the year of era: the last days of December stay in their year (java.time's Y would say 2019).
        var december = new DateTimeOffset(2018, 12, 31, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal("2018-12-31", new TimeBasedPartitioner(TimeBasedPartitioner.DayMs, "YYYY-MM-dd", utc, record, "/").Encode(december));
    }

    [Fact]
    public void Extractors_read_the_record_time_a_field_or_the_clock()
    {
        var withTime = Record(0, 0, OrderValue("eu", 1, null, 1_542_411_910_123), Order, timestamp: 1_000);
        Assert.Equal(1_000, new RecordExtractor().Extract(withTime, 5));
        Assert.Equal(1_542_411_910_123, new RecordFieldExtractor("ts").Extract(withTime, 5));
        Assert.Equal(5, new WallclockExtractor().Extract(withTime, 5));
        var schemaless = Record(0, 0, new Dictionary<string, object?> { ["meta"] = new Dictionary<string, object?> { ["at"] = "2018-11-16T23:45:10.123Z" } });
        Assert.Equal(1_542_411_910_123, new RecordFieldExtractor("meta.at").Extract(schemaless, 5));
        Assert.Throws<DataException>(() => new RecordFieldExtractor("missing").Extract(withTime, 5));
        Assert.Throws<DataException>(() => new RecordExtractor().Extract(Record(0, 0, "x"), 5));
    }

    [Fact]
    public void Scheduled_rotation_counts_from_local_midnight()
    {
        var utc = TimeZoneInfo.Utc;
        var opened = new DateTimeOffset(2026, 12, 5, 10, 7, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 10, 15, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), S3SinkDialect.NextScheduledRotation(opened, 15 * 60_000, utc));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), S3SinkDialect.NextScheduledRotation(opened, 24 * 3_600_000, utc));
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        // 10:07Z is 15:37 in Kolkata: the next hour there is 16:00 local, 10:30Z.
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 10, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), S3SinkDialect.NextScheduledRotation(opened, 3_600_000, kolkata));
    }
}
