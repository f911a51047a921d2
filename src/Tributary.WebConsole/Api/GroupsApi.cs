using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Broker;
using Tributary.Broker.Groups;

namespace Tributary.WebConsole.Api;

/// <summary>
/// Consumer groups: <c>GET /groups</c> (paged; state, members, total lag), <c>GET /groups/{id}</c> (members and the
/// lag of every committed partition) and <c>POST /groups/{id}/reset</c> ({topic, to: earliest|latest|timestamp,
/// timestamp}), which commits the new offsets as Kafka's <c>kafka-consumer-groups --reset-offsets</c> does: only while
/// the group has no members (otherwise the members' own commits would overwrite them), refused with the state.
/// </summary>
internal static class GroupsApi
{
    public static void Map(IEndpointRouteBuilder api, IBrokerApi broker)
    {
        api.MapGet("/groups", (HttpRequest request) => List(broker, Paging.From(request)));
        api.MapGet("/groups/{id}", (string id) => Describe(broker, id));
        api.MapPost("/groups/{id}/reset", (string id, HttpRequest request) => ResetAsync(broker, id, request));
    }

    internal sealed record GroupRow(string GroupId, string State, string Type, string ProtocolType, int Members, long Lag);

    internal static Page<GroupRow> List(IBrokerApi broker, Paging paging)
    {
        var groups = broker.Groups.ListGroups().Where(g => paging.Matches(g.GroupId)).OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
        var page = paging.Apply(groups);
        var rows = page.Items.Select(g => new GroupRow(g.GroupId, g.State, g.Type, g.ProtocolType, MemberCount(broker, g), TotalLag(broker, g.GroupId))).ToList();
        return new Page<GroupRow>(page.Total, page.Offset, page.Limit, rows);
    }

    internal static long TotalLag(IBrokerApi broker, string groupId) => (broker.Groups.Lag(groupId) ?? []).Sum(l => Math.Max(0, l.Lag));

    private static int MemberCount(IBrokerApi broker, GroupListing group) =>
        group.Type == "consumer" ? broker.Groups.DescribeConsumerGroup(group.GroupId).Members.Count : broker.Groups.DescribeGroup(group.GroupId).Members.Count;

    internal sealed record MemberView(string MemberId, string? InstanceId, string ClientId, string ClientHost);

    private static IResult Describe(IBrokerApi broker, string id)
    {
        var listing = broker.Groups.ListGroups().FirstOrDefault(g => g.GroupId == id);
        if (listing is null)
        {
            return Query.Error(404, nameof(ErrorCode.GroupIdNotFound), $"Group '{id}' does not exist.");
        }
        IReadOnlyList<MemberView> members = listing.Type == "consumer"
            ? [.. broker.Groups.DescribeConsumerGroup(id).Members.Select(m => new MemberView(m.MemberId, m.InstanceId, m.ClientId, m.ClientHost))]
            : [.. broker.Groups.DescribeGroup(id).Members.Select(m => new MemberView(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost))];
        var lag = (broker.Groups.Lag(id) ?? [])
            .OrderBy(l => l.Partition.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition.Partition)
            .Select(l => new { l.Partition.Topic, l.Partition.Partition, l.CommittedOffset, l.LogEndOffset, l.Lag });
        return Results.Json(new { listing.GroupId, listing.State, listing.Type, listing.ProtocolType, Members = members, Lag = lag });
    }

    internal sealed record ResetRequest(string? Topic, string? To, long? Timestamp);

    private static async Task<IResult> ResetAsync(IBrokerApi broker, string id, HttpRequest request)
    {
        var (body, invalid) = await Query.BodyAsync<ResetRequest>(request, "a reset").ConfigureAwait(false);
        if (body is null)
        {
            return invalid!;
        }
        if (body?.Topic is not { Length: > 0 } topicName || broker.GetTopic(topicName) is not { } topic)
        {
            return Query.Error(404, nameof(ErrorCode.UnknownTopicOrPartition), $"Topic '{body?.Topic}' does not exist.", [new FieldError("topic", "Choose an existing topic.")]);
        }
        long target;
        switch (body.To)
        {
            case "earliest":
                target = -2;
                break;
            case "latest":
                target = -1;
                break;
            case "timestamp" when body.Timestamp is { } timestamp:
                target = timestamp;
                break;
            default:
                return Query.Error(400, "InvalidRequest", "Reset to earliest, latest, or a timestamp (ms since the epoch).", [new FieldError("to", "earliest, latest or timestamp with a time")]);
        }
        var listing = broker.Groups.ListGroups().FirstOrDefault(g => g.GroupId == id);
        if (listing is not null && listing.State is not ("Empty" or "Dead"))
        {
            return Query.Error(409, nameof(ErrorCode.NonEmptyGroup),
                $"Group '{id}' is {listing.State}: offsets can be reset only while it has no members (stop its consumers first).");
        }
        var offsets = new List<(TopicPartition, CommittedOffset)>(topic.PartitionCount);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var partition = 0; partition < topic.PartitionCount; partition++)
        {
            var found = broker.ListOffset(topicName, partition, target);
            // A time after the last record finds nothing (-1): Kafka's tool resets to the log end then.
            var offset = found.Error == ErrorCode.None && found.Offset >= 0 ? found.Offset : broker.GetOffsets(topicName, partition)?.HighWatermark ?? 0;
            offsets.Add((new TopicPartition(topicName, partition), new CommittedOffset(offset, -1, "", now)));
        }
        var results = await broker.Groups.CommitOffsetsAsync(id, -1, "", null, memberEpochSemantics: false, offsets).ConfigureAwait(false);
        var failed = results.Where(r => r.Error != ErrorCode.None).ToList();
        if (failed.Count > 0)
        {
            return Query.Error(400, failed[0].Error.ToString(), $"The group refused the new offsets: {failed[0].Error} for {failed[0].Partition.Topic}-{failed[0].Partition.Partition}.");
        }
        return Results.Json(new { GroupId = id, Offsets = offsets.Select(o => new { o.Item1.Topic, o.Item1.Partition, o.Item2.Offset }) });
    }
}
