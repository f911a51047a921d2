using System.Globalization;
using System.Text;
using System.Text.Json;
using Tributary.Aws;

namespace Tributary.Kinesis.Handlers;

/// <summary>
/// ListShards: the stream's shards in index order, filtered and paginated as AWS does.
/// <list type="bullet">
/// <item>ShardFilter.Type: FROM_TRIM_HORIZON (default: every shard not expired), AT_TRIM_HORIZON (shards open at
/// the trim horizon, i.e. retention ago but not before the stream existed), AT_LATEST (open shards),
/// AT_TIMESTAMP (open at Timestamp), FROM_TIMESTAMP (open at Timestamp or created after), AFTER_SHARD_ID (index
/// above ShardId).</item>
/// <item>MaxResults 1–10000 (default and effective maximum 1000); NextToken (valid 300 s) continues a listing and
/// must not be combined with StreamName/StreamARN; ExclusiveStartShardId starts after a shard.</item>
/// </list>
/// </summary>
public sealed class ListShards(KinesisStreams streams) : KinesisOperation(streams)
{
    private static readonly string[] FilterTypes = ["AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"];
    private const long TokenLifetimeMs = 300_000;

    public override string Name => "ListShards";

    public override IReadOnlyList<string> InputMembers { get; } = ["streamName", "nextToken", "exclusiveStartShardId", "maxResults", "streamCreationTimestamp", "shardFilter", "streamARN"];

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var body = request.Body;
        var validation = NewValidation();
        var nextToken = body.GetString("NextToken");
        var exclusiveStart = body.GetString("ExclusiveStartShardId");
        var maxResults = body.GetInt32("MaxResults");
        var filter = body.GetElement("ShardFilter", JsonValueKind.Object);
        var filterType = filter?.GetString("Type");
        var filterShardId = filter?.GetString("ShardId");
        var filterTimestamp = filter?.GetTimestampMilliseconds("Timestamp");
        validation.Length(nextToken, 1, 1048576, "nextToken");
        ValidateShardId(validation, exclusiveStart, "exclusiveStartShardId", required: false);
        validation.Range(maxResults, 1, 10000, "maxResults");
        if (filter is not null)
        {
            validation.Required(filterType, "shardFilter.type");
        }
        validation.Enum(filterType, FilterTypes, "shardFilter.type");
        ValidateShardId(validation, filterShardId, "shardFilter.shardId", required: false);
        var hasStream = body.GetString("StreamName") is not null || body.GetString("StreamARN") is not null;

        StreamState stream;
        var startAfter = -1;
        if (nextToken is not null)
        {
            validation.ThrowIfAny();
            if (hasStream)
            {
                throw AwsErrorException.InvalidArgument("NextToken and StreamName cannot be provided together.");
            }
            var token = DecodeToken(nextToken, Streams.NowMs);
            stream = Streams.Resolve(token.Stream, null);
            if (stream.CreatedMs != token.StreamCreatedMs)
            {
                throw AwsErrorException.ResourceNotFound($"Stream {token.Stream} under account {Streams.Options.AccountId} was recreated; the NextToken belongs to its predecessor.");
            }
            startAfter = token.AfterIndex;
            (filterType, filterShardId, filterTimestamp) = (token.FilterType, token.FilterShardId, token.FilterTimestamp);
        }
        else
        {
            if (!hasStream)
            {
                validation.Required(null, "streamName");
            }
            stream = ResolveStream(body, validation);
            if (exclusiveStart is not null && ShardId.TryParse(exclusiveStart, out var index))
            {
                startAfter = index;
            }
        }
        if (filterType is "AFTER_SHARD_ID")
        {
            if (filterShardId is null)
            {
                throw AwsErrorException.InvalidArgument("ShardFilter.ShardId must be given for the AFTER_SHARD_ID filter.");
            }
            startAfter = Math.Max(startAfter, ShardId.TryParse(filterShardId, out var after) ? after : -1);
        }
        if (filterType is "AT_TIMESTAMP" or "FROM_TIMESTAMP" && filterTimestamp is null)
        {
            throw AwsErrorException.InvalidArgument($"ShardFilter.Timestamp must be given for the {filterType} filter.");
        }

        var now = Streams.NowMs;
        var limit = (int)Math.Min(maxResults ?? 1000, 1000);
        List<ShardState> matching;
        lock (stream.Lock)
        {
            var trimHorizonTime = Math.Max(now - stream.RetentionMs, stream.CreatedMs);
            var at = Math.Max(filterTimestamp ?? 0, stream.CreatedMs);
            matching = [.. stream.Shards.Where(s => s.Index > startAfter && stream.IsVisible(s, now) && filterType switch
            {
                "AT_LATEST" => s.IsOpen,
                "AT_TRIM_HORIZON" => OpenAt(s, trimHorizonTime),
                "AT_TIMESTAMP" => OpenAt(s, at),
                "FROM_TIMESTAMP" => s.ClosedMs is not { } closed || closed > at,
                _ => true,
            })];
            var page = matching.Take(limit).ToList();
            response.WriteStartArray("Shards");
            foreach (var shard in page)
            {
                WriteShard(response, stream, shard);
            }
            response.WriteEndArray();
            if (matching.Count > page.Count)
            {
                response.WriteString("NextToken", EncodeToken(new Token(stream.Name, stream.CreatedMs, page[^1].Index, filterType, filterShardId, filterTimestamp, now)));
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A shard was open at <paramref name="time"/>: created at or before it and not closed by then.</summary>
    private static bool OpenAt(ShardState shard, long time) => shard.CreatedMs <= time && (shard.ClosedMs is not { } closed || closed > time);

    private sealed record Token(string Stream, long StreamCreatedMs, int AfterIndex, string? FilterType, string? FilterShardId, long? FilterTimestamp, long IssuedMs);

    /// <summary>The token is base64 of tab-separated fields; opaque to clients, checked on the way back in.</summary>
    private static string EncodeToken(Token token) => Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\t',
        "1", token.Stream, token.StreamCreatedMs.ToString(CultureInfo.InvariantCulture), token.AfterIndex.ToString(CultureInfo.InvariantCulture),
        token.FilterType ?? "", token.FilterShardId ?? "", token.FilterTimestamp?.ToString(CultureInfo.InvariantCulture) ?? "", token.IssuedMs.ToString(CultureInfo.InvariantCulture))));

    private static Token DecodeToken(string text, long now)
    {
        string[] fields;
        try
        {
            fields = Encoding.UTF8.GetString(Convert.FromBase64String(text)).Split('\t');
        }
        catch (FormatException)
        {
            throw AwsErrorException.InvalidArgument($"NextToken {text} is not a valid ListShards token.");
        }
        if (fields.Length != 8 || fields[0] != "1" || !long.TryParse(fields[2], CultureInfo.InvariantCulture, out var created)
            || !int.TryParse(fields[3], CultureInfo.InvariantCulture, out var after) || !long.TryParse(fields[7], CultureInfo.InvariantCulture, out var issued))
        {
            throw AwsErrorException.InvalidArgument($"NextToken {text} is not a valid ListShards token.");
        }
        if (now - issued > TokenLifetimeMs)
        {
            throw new AwsErrorException("ExpiredNextTokenException", $"The NextToken {text} has expired: it is valid for 300 seconds after it was issued.");
        }
        long? timestamp = fields[6].Length == 0 ? null : long.Parse(fields[6], CultureInfo.InvariantCulture);
        return new Token(fields[1], created, after, fields[4].Length == 0 ? null : fields[4], fields[5].Length == 0 ? null : fields[5], timestamp, issued);
    }
}
