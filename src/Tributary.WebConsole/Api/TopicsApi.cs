using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Broker;

namespace Tributary.WebConsole.Api;

/// <summary>
/// Topics: <c>GET /topics</c> (paged, searchable by name; partitions, messages and size for the page's topics only),
/// <c>POST /topics</c> ({name, partitions, configs}), <c>GET /topics/{name}</c> (partitions with offsets, configs),
/// <c>DELETE /topics/{name}</c>. Errors are the broker's own codes and messages.
/// </summary>
internal static class TopicsApi
{
    public static void Map(IEndpointRouteBuilder api, IBrokerApi broker)
    {
        api.MapGet("/topics", (HttpRequest request) => List(broker, Paging.From(request), request.Query["internal"] == "true"));
        api.MapPost("/topics", async (HttpRequest request) => await CreateAsync(broker, request).ConfigureAwait(false));
        api.MapGet("/topics/{name}", (string name) => Describe(broker, name));
        api.MapDelete("/topics/{name}", (string name) =>
        {
            var error = broker.DeleteTopic(name);
            return error == ErrorCode.None ? Results.NoContent() : Query.Error(StatusFor(error), error.ToString(), $"Cannot delete topic '{name}': {error}.");
        });
    }

    internal sealed record TopicRow(string Name, int Partitions, long Messages, long SizeBytes, string? RetentionMs, bool Internal);

    /// <summary>
    /// One page of topics. Filtering and ordering touch names only (10,000 names sort in well under a millisecond's
    /// worth of work per request); offsets and sizes are read for the page's rows alone.
    /// </summary>
    internal static Page<TopicRow> List(IBrokerApi broker, Paging paging, bool includeInternal)
    {
        var matching = new List<TopicInfo>();
        foreach (var topic in broker.ListTopics(includeInternal))
        {
            if (paging.Matches(topic.Name))
            {
                matching.Add(topic);
            }
        }
        matching.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var page = paging.Apply(matching);
        var rows = new TopicRow[page.Items.Count];
        var sizes = PageSizes(broker, page.Items);
        for (var i = 0; i < rows.Length; i++)
        {
            var topic = page.Items[i];
            rows[i] = new TopicRow(topic.Name, topic.PartitionCount, Messages(broker, topic), sizes.GetValueOrDefault(topic.Name),
                topic.Configs.GetValueOrDefault("retention.ms"), topic.IsInternal);
        }
        return new Page<TopicRow>(page.Total, page.Offset, page.Limit, rows);
    }

    /// <summary>Records between each partition's log start and high watermark (offsets, so compacted gaps count).</summary>
    private static long Messages(IBrokerApi broker, TopicInfo topic)
    {
        long total = 0;
        for (var partition = 0; partition < topic.PartitionCount; partition++)
        {
            if (broker.GetOffsets(topic.Name, partition) is { } offsets)
            {
                total += offsets.HighWatermark - offsets.LogStartOffset;
            }
        }
        return total;
    }

    private static Dictionary<string, long> PageSizes(IBrokerApi broker, IReadOnlyList<TopicInfo> topics)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            sizes[topic.Name] = 0;
        }
        foreach (var partition in broker.DescribeLogDirectory().Partitions)
        {
            if (sizes.TryGetValue(partition.Topic, out var size))
            {
                sizes[partition.Topic] = size + partition.SizeBytes;
            }
        }
        return sizes;
    }

    internal sealed record CreateTopicRequest(string? Name, int? Partitions, Dictionary<string, string?>? Configs);

    private static async Task<IResult> CreateAsync(IBrokerApi broker, HttpRequest request)
    {
        var (body, invalid) = await Query.BodyAsync<CreateTopicRequest>(request, "a topic").ConfigureAwait(false);
        if (body is null)
        {
            return invalid!;
        }
        if (string.IsNullOrWhiteSpace(body?.Name))
        {
            return Query.Error(400, nameof(ErrorCode.InvalidTopicException), "A topic name is required.", [new FieldError("name", "A topic name is required.")]);
        }
        var (error, message, topic) = broker.CreateTopic(body.Name, body.Partitions ?? 1, body.Configs);
        if (error != ErrorCode.None)
        {
            var text = message ?? $"Cannot create topic '{body.Name}': {error}.";
            var field = error switch
            {
                ErrorCode.InvalidPartitions => "partitions",
                ErrorCode.InvalidConfig => "configs",
                _ => "name",
            };
            return Query.Error(StatusFor(error), error.ToString(), text, [new FieldError(field, text)]);
        }
        return Results.Created($"{ConsoleEndpoints.ApiPrefix}/topics/{Uri.EscapeDataString(topic!.Name)}", new { topic.Name, Partitions = topic.PartitionCount });
    }

    internal sealed record PartitionRow(int Partition, long LogStartOffset, long HighWatermark, long LogEndOffset);

    private static IResult Describe(IBrokerApi broker, string name)
    {
        if (broker.GetTopic(name) is not { } topic)
        {
            return Query.Error(404, nameof(ErrorCode.UnknownTopicOrPartition), $"Topic '{name}' does not exist.");
        }
        var partitions = new List<PartitionRow>(topic.PartitionCount);
        for (var partition = 0; partition < topic.PartitionCount; partition++)
        {
            var offsets = broker.GetOffsets(name, partition) ?? default;
            partitions.Add(new PartitionRow(partition, offsets.LogStartOffset, offsets.HighWatermark, offsets.LogEndOffset));
        }
        var configs = (broker.DescribeTopicConfigs(name) ?? []).Select(c => new { c.Name, c.Value, Source = c.Source.ToString() });
        return Results.Json(new { topic.Name, topic.TopicId, Internal = topic.IsInternal, Partitions = partitions, Configs = configs });
    }

    internal static int StatusFor(ErrorCode error) => error switch
    {
        ErrorCode.UnknownTopicOrPartition => 404,
        ErrorCode.TopicAlreadyExists => 409,
        _ => 400,
    };
}
