namespace Tributary.Connect.S3.Tests;

/// <summary>The worker file the S3 sink's process tests start <see cref="ConnectStandaloneProcess"/> with.</summary>
internal static class WorkerProperties
{
    /// <summary>
    /// Writes <c>connect.properties</c> in <paramref name="directory"/>: the broker on <paramref name="kafkaPort"/>,
    /// schemaless JSON values, string keys, an offsets file beside it flushed every 500 ms, REST on a free port.
    /// </summary>
    public static string Write(TempDirectory directory, int kafkaPort)
    {
        var worker = directory.File("connect.properties");
        System.IO.File.WriteAllText(worker, $"""
            bootstrap.servers=127.0.0.1:{kafkaPort}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.json.JsonConverter
            value.converter.schemas.enable=false
            offset.storage.file.filename={directory.File("offsets.json")}
            offset.flush.interval.ms=500
            listeners=http://127.0.0.1:0
            """);
        return worker;
    }
}
