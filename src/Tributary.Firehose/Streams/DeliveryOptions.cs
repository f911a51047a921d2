namespace Tributary.Firehose.Streams;

/// <summary>Settings of the delivery-stream service (delivery.* options of the server).</summary>
public sealed record DeliveryOptions
{
    /// <summary>Where definitions (streams.json) and each stream's state and spool live.</summary>
    public required string Directory { get; init; }

    /// <summary>Table definitions for format conversion (TableName → TABLE.json).</summary>
    public required string TablesDirectory { get; init; }

    /// <summary>
    /// Where SchemaConfiguration's tables are resolved (the host wires the Glue Data Catalog); null: the table
    /// definition files of <see cref="TablesDirectory"/>.
    /// </summary>
    public Tributary.Formats.Json.ITableSchemas? TableSchemas { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    public int MaxStreams { get; init; } = 500;

    /// <summary>Bound on the bytes one stream buffers across all its buffers.</summary>
    public long MaxBufferedBytes { get; init; } = 256L * 1024 * 1024;

    public int MaxActivePartitions { get; init; } = 500;

    /// <summary>Lambda function name or ARN → URL of the endpoint standing in for it.</summary>
    public IReadOnlyDictionary<string, string> LambdaEndpoints { get; init; } = new Dictionary<string, string>();

    public TimeSpan LambdaTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Partitions of a direct-put stream's internal log (topic <c>firehose.NAME</c>).</summary>
    public int DirectPutPartitions { get; init; } = 1;

    /// <summary>How long one poll of a source waits for records.</summary>
    public int PollWaitMs { get; init; } = 200;
}
