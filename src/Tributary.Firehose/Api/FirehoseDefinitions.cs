using System.Globalization;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>
/// Firehose request JSON → the delivery model. <see cref="ParseCreate"/> reads a CreateDeliveryStream request; the
/// CreateDeliveryStream handler and the server's configuration loader (streams declared in a file) both use it, so a
/// declared stream is written exactly as the API request. Errors are <see cref="AwsErrorException"/>s in AWS's order:
/// SerializationException for a member of the wrong JSON type, then one ValidationException listing every member
/// constraint violated (lengths, patterns, ranges, enums of the service model), then InvalidArgumentException for
/// the first rule between members (and for what Tributary does not support). Prefix expressions are checked by the
/// registry at create (Naming/), which owns their parser. Stateless and thread-safe.
/// </summary>
public static class FirehoseDefinitions
{
    public const int MaxTags = 50;

    /// <summary>CreateDeliveryStreamInput's members in the service model's order (lower-camel): the order AWS reports violations in.</summary>
    public static readonly IReadOnlyList<string> CreateMembers =
    [
        "deliveryStreamName", "deliveryStreamType", "directPutSourceConfiguration", "kinesisStreamSourceConfiguration",
        "deliveryStreamEncryptionConfigurationInput", "s3DestinationConfiguration", "extendedS3DestinationConfiguration",
        "redshiftDestinationConfiguration", "elasticsearchDestinationConfiguration", "amazonopensearchserviceDestinationConfiguration",
        "splunkDestinationConfiguration", "httpEndpointDestinationConfiguration", "tags", "amazonOpenSearchServerlessDestinationConfiguration",
        "mSKSourceConfiguration", "snowflakeDestinationConfiguration", "icebergDestinationConfiguration", "databaseSourceConfiguration",
    ];

    /// <summary>Firehose's buffering defaults, and those that apply with data format conversion.</summary>
    public const int DefaultBufferSizeInMBs = 5;
    public const int DefaultBufferIntervalInSeconds = 300;
    public const int ConversionDefaultBufferSizeInMBs = 128;
    public const int ConversionMinimumBufferSizeInMBs = 64;

    /// <summary>
    /// Parses a CreateDeliveryStream request body into a validated, defaulted definition (VersionId 1, no timestamps:
    /// the registry sets those). Throws <see cref="AwsErrorException"/> (SerializationException, ValidationException,
    /// InvalidArgumentException).
    /// </summary>
    public static DeliveryStreamDefinition ParseCreate(JsonElement requestBody)
    {
        if (requestBody.ValueKind != JsonValueKind.Object)
        {
            throw AwsErrorException.Serialization("The request body must be an object.");
        }
        var body = requestBody;
        var validation = new AwsValidation(CreateMembers);
        var invalid = new List<string>();
        var name = body.GetString("DeliveryStreamName");
        validation.Required(name, "deliveryStreamName");
        FirehoseOperation.ValidateStreamName(validation, name, "deliveryStreamName");
        var typeText = body.GetString("DeliveryStreamType");
        validation.Enum(typeText, FirehoseShapes.DeliveryStreamTypes, "deliveryStreamType");
        typeText ??= "DirectPut";

        ReadDirectPutSource(body, validation);
        var kinesis = ReadKinesisSource(body, validation);
        var kafka = ReadKafkaSource(body, validation, invalid);
        switch (typeText)
        {
            case "DatabaseAsSource":
                invalid.Add("DeliveryStreamType DatabaseAsSource is not supported by Tributary (DirectPut, KinesisStreamAsSource and MSKAsSource are).");
                break;
            case "KinesisStreamAsSource" when kinesis is null:
                invalid.Add("KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource.");
                break;
            case "MSKAsSource" when kafka is null:
                invalid.Add("MSKSourceConfiguration is required when DeliveryStreamType is MSKAsSource.");
                break;
        }
        if (kinesis is not null && typeText != "KinesisStreamAsSource")
        {
            invalid.Add("KinesisStreamSourceConfiguration is allowed only when DeliveryStreamType is KinesisStreamAsSource.");
        }
        if (kafka is not null && typeText != "MSKAsSource")
        {
            invalid.Add("MSKSourceConfiguration is allowed only when DeliveryStreamType is MSKAsSource.");
        }
        if (body.TryGetProperty("DatabaseSourceConfiguration", out var database) && database.ValueKind != JsonValueKind.Null)
        {
            invalid.Add("DatabaseSourceConfiguration is not supported by Tributary.");
        }
        if (body.TryGetProperty("DirectPutSourceConfiguration", out var directPut) && directPut.ValueKind != JsonValueKind.Null && typeText != "DirectPut")
        {
            invalid.Add("DirectPutSourceConfiguration is allowed only when DeliveryStreamType is DirectPut.");
        }

        FirehoseOperation.ReadEncryptionInput(body, validation, invalid);
        var encrypted = body.TryGetProperty("DeliveryStreamEncryptionConfigurationInput", out var encryption) && encryption.ValueKind == JsonValueKind.Object;
        var tags = FirehoseOperation.ReadTags(body, validation, invalid);

        var extended = body.GetElement("ExtendedS3DestinationConfiguration", JsonValueKind.Object);
        var plain = body.GetElement("S3DestinationConfiguration", JsonValueKind.Object);
        S3Section? section = null;
        if (extended is { } e)
        {
            section = S3Section.Read(e, "extendedS3DestinationConfiguration", extended: true, update: false, validation);
        }
        if (plain is { } p)
        {
            section = S3Section.Read(p, "s3DestinationConfiguration", extended: false, update: false, validation);
        }
        foreach (var other in FirehoseShapes.OtherDestinations)
        {
            if (body.TryGetProperty(other, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                invalid.Add($"{other} is not supported: Tributary supports S3 destinations only (ExtendedS3DestinationConfiguration or S3DestinationConfiguration).");
            }
        }
        if (extended is not null && plain is not null)
        {
            invalid.Add("Exactly one destination configuration must be specified, not both ExtendedS3DestinationConfiguration and S3DestinationConfiguration.");
        }
        else if (section is null && invalid.Count == 0)
        {
            invalid.Add("A destination configuration is required: ExtendedS3DestinationConfiguration (or the deprecated S3DestinationConfiguration).");
        }
        FirehoseOperation.ThrowIfAny(validation, invalid);

        var destination = section!.Build(null, invalid);
        FirehoseOperation.ThrowIfAny(validation, invalid);
        return new DeliveryStreamDefinition
        {
            Name = name!,
            Type = Enum.Parse<DeliveryStreamType>(typeText),
            KinesisSource = kinesis,
            KafkaSource = kafka,
            Destination = destination,
            Tags = tags ?? [],
            EncryptionEnabled = encrypted,
        };
    }

    /// <summary>
    /// Reads UpdateDestination's ExtendedS3DestinationUpdate or S3DestinationUpdate (member violations go to
    /// <paramref name="validation"/>, rules to <paramref name="invalid"/>) and returns the merge the registry applies to the
    /// current destination: only members given change (BufferingHints member by member; ProcessingConfiguration,
    /// DataFormatConversionConfiguration and the backup as given). The merge throws InvalidArgumentException
    /// (<see cref="AwsErrorException"/>) when the result breaks a rule, e.g. enabling or disabling dynamic partitioning.
    /// </summary>
    public static Func<S3DestinationDefinition, S3DestinationDefinition> ParseUpdate(JsonElement body, AwsValidation validation, List<string> invalid)
    {
        var extended = body.GetElement("ExtendedS3DestinationUpdate", JsonValueKind.Object);
        var plain = body.GetElement("S3DestinationUpdate", JsonValueKind.Object);
        S3Section? section = null;
        if (extended is { } e)
        {
            section = S3Section.Read(e, "extendedS3DestinationUpdate", extended: true, update: true, validation);
        }
        if (plain is { } p)
        {
            section = S3Section.Read(p, "s3DestinationUpdate", extended: false, update: true, validation);
        }
        foreach (var other in FirehoseShapes.OtherDestinationUpdates)
        {
            if (body.TryGetProperty(other, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                invalid.Add($"{other} is not supported: Tributary supports S3 destinations only (ExtendedS3DestinationUpdate or S3DestinationUpdate).");
            }
        }
        if (extended is not null && plain is not null)
        {
            invalid.Add("Only one destination update can be specified, not both ExtendedS3DestinationUpdate and S3DestinationUpdate.");
        }
        else if (section is null && invalid.Count == 0)
        {
            invalid.Add("A destination update is required: ExtendedS3DestinationUpdate (or the deprecated S3DestinationUpdate).");
        }
        return current =>
        {
            var rules = new List<string>();
            var updated = section!.Build(current, rules);
            return rules.Count > 0 ? throw AwsErrorException.InvalidArgument(rules[0]) : updated;
        };
    }

    /// <summary>AWS's lower-camel member path segment: the first letter lower-cased (<c>MSKSourceConfiguration</c> → <c>mSKSourceConfiguration</c>).</summary>
    internal static string Camel(string member) => char.ToLowerInvariant(member[0]) + member[1..];

    internal static string Index(string path, int oneBased) => path + "." + oneBased.ToString(CultureInfo.InvariantCulture) + ".member";

    private static void ReadDirectPutSource(JsonElement body, AwsValidation validation)
    {
        if (body.GetElement("DirectPutSourceConfiguration", JsonValueKind.Object) is not { } directPut)
        {
            return;
        }
        // ThroughputHintInMBs is informational in Firehose; Tributary validates it and keeps nothing.
        var hint = directPut.GetInt64("ThroughputHintInMBs");
        validation.Required(hint, "directPutSourceConfiguration.throughputHintInMBs").Range(hint, 1, 100, "directPutSourceConfiguration.throughputHintInMBs");
    }

    private static KinesisSourceDefinition? ReadKinesisSource(JsonElement body, AwsValidation validation)
    {
        if (body.GetElement("KinesisStreamSourceConfiguration", JsonValueKind.Object) is not { } source)
        {
            return null;
        }
        const string path = "kinesisStreamSourceConfiguration.";
        var streamArn = source.GetString("KinesisStreamARN");
        var roleArn = source.GetString("RoleARN");
        validation.Required(streamArn, path + "kinesisStreamARN").Length(streamArn, 1, 512, path + "kinesisStreamARN")
            .Pattern(streamArn, FirehoseShapes.KinesisStreamArn(), FirehoseShapes.KinesisStreamArnPattern, path + "kinesisStreamARN");
        validation.Required(roleArn, path + "roleARN");
        ValidateRoleArn(validation, roleArn, path + "roleARN");
        return streamArn is null ? null : new KinesisSourceDefinition { StreamArn = streamArn, RoleArn = roleArn };
    }

    private static KafkaSourceDefinition? ReadKafkaSource(JsonElement body, AwsValidation validation, List<string> invalid)
    {
        if (body.GetElement("MSKSourceConfiguration", JsonValueKind.Object) is not { } source)
        {
            return null;
        }
        const string path = "mSKSourceConfiguration.";
        var clusterArn = source.GetString("MSKClusterARN");
        var topic = source.GetString("TopicName");
        var readFrom = source.GetTimestampMilliseconds("ReadFromTimestamp");
        var bootstrap = source.GetString("BootstrapServers");
        var group = source.GetString("ConsumerGroup");
        validation.Required(clusterArn, path + "mSKClusterARN").Length(clusterArn, 1, 512, path + "mSKClusterARN")
            .Pattern(clusterArn, FirehoseShapes.Arn(), FirehoseShapes.ArnPattern, path + "mSKClusterARN");
        validation.Required(topic, path + "topicName").Length(topic, 1, 255, path + "topicName")
            .Pattern(topic, FirehoseShapes.TopicName(), FirehoseShapes.TopicNamePattern, path + "topicName");
        string? roleArn = null;
        string? connectivity = null;
        if (source.GetElement("AuthenticationConfiguration", JsonValueKind.Object) is { } authentication)
        {
            roleArn = authentication.GetString("RoleARN");
            connectivity = authentication.GetString("Connectivity");
            validation.Required(roleArn, path + "authenticationConfiguration.roleARN");
            ValidateRoleArn(validation, roleArn, path + "authenticationConfiguration.roleARN");
            validation.Required(connectivity, path + "authenticationConfiguration.connectivity")
                .Enum(connectivity, FirehoseShapes.Connectivities, path + "authenticationConfiguration.connectivity");
        }
        else if (bootstrap is null)
        {
            // Required by Firehose's model; Tributary's external-cluster extension has no use for it.
            validation.Required(null, path + "authenticationConfiguration");
        }
        if (bootstrap is not null && !IsBootstrapList(bootstrap))
        {
            invalid.Add($"MSKSourceConfiguration.BootstrapServers '{bootstrap}' must be a comma-separated list of host:port.");
        }
        if (group is not null && (group.Length is < 1 or > 255 || group.Any(char.IsControl)))
        {
            invalid.Add("MSKSourceConfiguration.ConsumerGroup must be 1–255 characters without control characters.");
        }
        if (group is not null && bootstrap is null)
        {
            invalid.Add("MSKSourceConfiguration.ConsumerGroup applies only with BootstrapServers (an external Kafka cluster).");
        }
        if (clusterArn is null || topic is null)
        {
            return null;
        }
        return new KafkaSourceDefinition
        {
            ClusterArn = clusterArn,
            TopicName = topic,
            ReadFromTimestamp = readFrom is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            BootstrapServers = bootstrap,
            ConsumerGroup = group,
            RoleArn = roleArn,
            Connectivity = connectivity,
        };
    }

    private static bool IsBootstrapList(string text)
    {
        var entries = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return false;
            }
            var host = entry[..colon].Trim('[', ']');
            if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c == '/'))
            {
                return false;
            }
        }
        return true;
    }

    internal static void ValidateRoleArn(AwsValidation validation, string? roleArn, string path) =>
        validation.Length(roleArn, 1, 512, path).Pattern(roleArn, FirehoseShapes.RoleArn(), FirehoseShapes.RoleArnPattern, path);
}
