using System.Text.Json;

namespace Tributary.MskConnect.Workers;

/// <summary>
/// Where a connector's worker logs go: CreateConnector's <c>logDelivery.workerLogDelivery</c> with its three
/// destinations, each <c>{enabled, …}</c>. MSK Connect documents the members, not what happens to the lines;
/// Tributary's delivery is described in <c>docs/msk-connect-api.md</c> ("Log delivery").
/// </summary>
public sealed record LogDestinations(string? S3Bucket, string? S3Prefix, string? DeliveryStream, string? LogGroup)
{
    public bool Any => S3Bucket is not null || DeliveryStream is not null || LogGroup is not null;

    /// <summary>
    /// Reads <c>logDelivery</c> (absent: no delivery). An enabled destination without its target (<c>s3.bucket</c>,
    /// <c>firehose.deliveryStream</c>, <c>cloudWatchLogs.logGroup</c>) or a member of the wrong type is a
    /// BadRequestException naming it.
    /// </summary>
    public static LogDestinations Parse(JsonElement? logDelivery)
    {
        if (logDelivery is not { ValueKind: JsonValueKind.Object } root)
        {
            return new LogDestinations(null, null, null, null);
        }
        if (!root.TryGetProperty("workerLogDelivery", out var worker) || worker.ValueKind != JsonValueKind.Object)
        {
            throw MskConnectException.BadRequest("logDelivery.workerLogDelivery is required.");
        }
        string? Target(string destination, string member, bool required)
        {
            if (!worker.TryGetProperty(destination, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            var path = $"logDelivery.workerLogDelivery.{destination}";
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw MskConnectException.BadRequest($"{path} must be an object.");
            }
            if (!element.TryGetProperty("enabled", out var enabled) || enabled.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw MskConnectException.BadRequest($"{path}.enabled is required.");
            }
            if (enabled.ValueKind == JsonValueKind.False)
            {
                return null;
            }
            var value = element.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (required && string.IsNullOrEmpty(value))
            {
                throw MskConnectException.BadRequest($"{path}.{member} is required when {path}.enabled is true.");
            }
            return value ?? "";
        }
        var bucket = Target("s3", "bucket", required: true);
        var prefix = bucket is null ? null : Target("s3", "prefix", required: false);
        return new LogDestinations(bucket, string.IsNullOrEmpty(prefix) ? null : prefix, Target("firehose", "deliveryStream", required: true),
            Target("cloudWatchLogs", "logGroup", required: true));
    }
}
