using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Kinesis;

namespace Tributary.WebConsole.Api;

/// <summary>
/// Kinesis streams: <c>GET /kinesis/streams</c> (paged; status, mode, open and closed shards, retention) and
/// <c>GET /kinesis/streams/{name}</c> (shards with their lineage and hash key ranges).
/// </summary>
internal static class KinesisApi
{
    public static void Map(IEndpointRouteBuilder api, Func<KinesisStreams?> kinesis)
    {
        api.MapGet("/kinesis/streams", (HttpRequest request) => kinesis() is { } streams
            ? Results.Json(List(streams, Paging.From(request)))
            : Query.Error(503, "ServiceUnavailable", "The Kinesis API is not running."));
        api.MapGet("/kinesis/streams/{name}", (string name) =>
        {
            if (kinesis() is not { } streams)
            {
                return Query.Error(503, "ServiceUnavailable", "The Kinesis API is not running.");
            }
            var stream = streams.ListStreams().FirstOrDefault(s => s.Name == name);
            if (stream is null)
            {
                return Query.Error(404, "ResourceNotFoundException", $"Stream {name} not found.");
            }
            var shards = streams.ShardLineage(stream).Select(s => new
            {
                ShardId = ShardId.Format(s.Index),
                Parent = s.ParentIndex is { } parent ? ShardId.Format(parent) : null,
                AdjacentParent = s.AdjacentParentIndex is { } adjacent ? ShardId.Format(adjacent) : null,
                Open = s.EndOffset < 0,
                s.CreatedMs,
            });
            return Results.Json(new { Stream = Row(streams, stream), stream.Arn, stream.Topic, Shards = shards });
        });
    }

    internal sealed record StreamRow(string Name, string Status, string Mode, int OpenShards, int ClosedShards, int RetentionHours, long CreatedMs);

    internal static Page<StreamRow> List(KinesisStreams streams, Paging paging)
    {
        var matching = streams.ListStreams().Where(s => paging.Matches(s.Name)).ToList();
        var page = paging.Apply(matching);
        return new Page<StreamRow>(page.Total, page.Offset, page.Limit, [.. page.Items.Select(s => Row(streams, s))]);
    }

    private static StreamRow Row(KinesisStreams streams, StreamState stream)
    {
        var shards = streams.ShardLineage(stream);
        var open = shards.Count(s => s.EndOffset < 0);
        return new StreamRow(stream.Name, stream.Status, stream.Mode, open, shards.Count - open, stream.RetentionHours, stream.CreatedMs);
    }
}
