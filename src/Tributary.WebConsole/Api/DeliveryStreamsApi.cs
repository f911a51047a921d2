using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Aws;
using Tributary.Firehose.Api;
using Tributary.Firehose.Model;

namespace Tributary.WebConsole.Api;

/// <summary>
/// Delivery streams: <c>GET /delivery-streams</c> (paged; status, source, destination, figures),
/// <c>GET /delivery-streams/{name}</c> (the stream as a CreateDeliveryStream request, its status, failure and
/// figures), <c>POST /delivery-streams</c> with a CreateDeliveryStream body and <c>DELETE /delivery-streams/{name}</c>.
/// Creation goes through the same parser and registry as the Firehose API, so the form gets exactly the API's
/// answers; a ValidationException's member errors ("Value … at 'path' failed to satisfy constraint: …") are split into
/// one message per field path so the page can show each beside its field.
/// </summary>
internal static partial class DeliveryStreamsApi
{
    public static void Map(IEndpointRouteBuilder api, IDeliveryStreams streams)
    {
        api.MapGet("/delivery-streams", (HttpRequest request) => List(streams, Paging.From(request)));
        api.MapGet("/delivery-streams/{name}", (string name) => streams.Describe(name) is { } description
            ? Results.Json(Details(description))
            : Query.Error(404, "ResourceNotFoundException", $"Firehose {name} not found under account."));
        api.MapPost("/delivery-streams", (HttpRequest request) => CreateAsync(streams, request));
        api.MapDelete("/delivery-streams/{name}", async (string name, HttpRequest request) =>
        {
            try
            {
                await streams.DeleteAsync(name, request.HttpContext.RequestAborted).ConfigureAwait(false);
                return Results.NoContent();
            }
            catch (DeliveryException e)
            {
                return Query.Error(404, e.ErrorType, e.Message);
            }
        });
    }

    internal sealed record StreamRow(string Name, string Status, string Type, string Source, string Bucket, string? Prefix, long IncomingRecords, long DeliveredObjects, double DataFreshnessSeconds, string? Failure);

    internal static Page<StreamRow> List(IDeliveryStreams streams, Paging paging)
    {
        var matching = streams.List().Where(s => paging.Matches(s.Definition.Name)).ToList();
        var page = paging.Apply(matching);
        return new Page<StreamRow>(page.Total, page.Offset, page.Limit, [.. page.Items.Select(Row)]);
    }

    private static StreamRow Row(DeliveryStreamDescription description)
    {
        var definition = description.Definition;
        var source = definition.Type switch
        {
            DeliveryStreamType.MSKAsSource => "topic " + definition.KafkaSource!.TopicName,
            DeliveryStreamType.KinesisStreamAsSource => "Kinesis " + definition.KinesisSource!.StreamArn,
            _ => "direct put",
        };
        return new StreamRow(definition.Name, FirehoseDescriptions.StatusName(description.Status), definition.Type.ToString(), source,
            definition.Destination.BucketArn, definition.Destination.Prefix, description.Metrics.IncomingRecords, description.Metrics.DeliveredObjects,
            description.Metrics.DataFreshnessSeconds, description.FailureDescription);
    }

    private static object Details(DeliveryStreamDescription description) => new
    {
        Stream = Row(description),
        description.Definition.VersionId,
        description.Definition.CreateTimestamp,
        description.Metrics,
        Request = JsonDocument.Parse(FirehoseDescriptions.CreateRequestJson(description.Definition)).RootElement,
    };

    private static async Task<IResult> CreateAsync(IDeliveryStreams streams, HttpRequest request)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Query.Error(400, "SerializationException", e.Message);
        }
        try
        {
            var definition = FirehoseDefinitions.ParseCreate(body);
            var created = await streams.CreateAsync(definition, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return Results.Created($"{ConsoleEndpoints.ApiPrefix}/delivery-streams/{Uri.EscapeDataString(created.Name)}", new { created.Name });
        }
        catch (AwsErrorException e)
        {
            return Query.Error(e.StatusCode, e.ErrorType, e.Message, FieldErrors(e.Message));
        }
        catch (DeliveryException e)
        {
            return Query.Error(e.ErrorType == "ResourceInUseException" ? 409 : 400, e.ErrorType, e.Message,
                e.ErrorType == "ResourceInUseException" ? [new FieldError("deliveryStreamName", e.Message)] : []);
        }
    }

    /// <summary>The member errors of an AWS validation message, one per field path (in the message's order).</summary>
    internal static IReadOnlyList<FieldError> FieldErrors(string message) =>
        [.. MemberError().Matches(message).Select(m => new FieldError(m.Groups["field"].Value, m.Groups["constraint"].Value.Trim()))];

    // "Value 'x' at 'a.b' failed to satisfy constraint: Member must …" up to the next "; Value " or the end.
    [GeneratedRegex(@"at '(?<field>[A-Za-z0-9.\[\]]+)' failed to satisfy constraint: (?<constraint>.*?)(?=; Value |$)", RegexOptions.Singleline)]
    private static partial Regex MemberError();
}
