using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.Broker;
using Tributary.Generator;
using Tributary.Generator.Targets;
using Tributary.Generator.Templates;
using Tributary.WebConsole.Generator;

namespace Tributary.WebConsole.Api;

/// <summary>
/// The data generator (the Kinesis Data Generator's page, on <c>tributary generate</c>'s code):
/// <c>POST /generator/preview</c> (<c>{"template", "count", "seed"}</c> → that many rendered records, the
/// generator's "Test template"), <c>GET /generator/runs</c> (every kept run with its figures),
/// <c>POST /generator/runs</c> (<c>{"template", "targetType": "topic"|"kinesis"|"firehose", "target", "rate", "count"}</c>
/// → a run started on the server), <c>GET /generator/runs/{id}</c> and <c>POST /generator/runs/{id}/stop</c>. A template
/// that does not compile is a 400 whose message (with its line and column) belongs to the <c>template</c> field.
/// A topic is produced to in-process; Kinesis and Firehose streams through their APIs on this server's AWS port.
/// </summary>
internal static class GeneratorApi
{
    /// <summary>Records a preview may render: enough to judge a template, few enough to answer at once.</summary>
    public const int MaxPreview = 100;

    /// <summary>The highest rate a run may ask for (records/s); the generator's own page stops at 10,000 per second and client.</summary>
    public const double MaxRate = 100_000;

    public static void Map(IEndpointRouteBuilder api, IBrokerApi broker, GeneratorRuns runs, Func<Uri?> awsEndpoint)
    {
        api.MapPost("/generator/preview", async (HttpRequest request) =>
        {
            var (body, invalid) = await Query.BodyAsync<PreviewRequest>(request, "a preview request").ConfigureAwait(false);
            if (body is null)
            {
                return invalid!;
            }
            var (template, templateError) = Compile(body.Template);
            if (template is null)
            {
                return templateError!;
            }
            var count = Math.Clamp(body.Count ?? 5, 1, MaxPreview);
            try
            {
                return Results.Json(new { Samples = GeneratorRun.Samples(template, count, body.Seed).ToList() });
            }
            catch (Exception e) when (e is TemplateException or ArgumentException or InvalidOperationException or FormatException)
            {
                // A helper can still refuse at render time (an argument shape only a value reveals).
                return Query.Error(400, "TemplateException", e.Message, [new FieldError("template", e.Message)]);
            }
        });
        api.MapGet("/generator/runs", () => Results.Json(new { MaxRunning = GeneratorRuns.MaxRunning, Items = runs.List().Select(View).ToList() }));
        api.MapGet("/generator/runs/{id}", (string id) => runs.Find(id) is { } run ? Results.Json(View(run)) : NotFound(id));
        api.MapPost("/generator/runs/{id}/stop", (string id) =>
        {
            if (runs.Find(id) is not { } run)
            {
                return NotFound(id);
            }
            run.Stop();
            return Results.Json(View(run));
        });
        api.MapPost("/generator/runs", async (HttpRequest request) =>
        {
            var (body, invalid) = await Query.BodyAsync<StartRequest>(request, "a generator run").ConfigureAwait(false);
            if (body is null)
            {
                return invalid!;
            }
            var (template, templateError) = Compile(body.Template);
            if (template is null)
            {
                return templateError!;
            }
            var problems = new List<FieldError>();
            if (body.Rate is not { } rate || !(rate > 0) || rate > MaxRate)
            {
                problems.Add(new FieldError("rate", $"Records per second: more than 0 and at most {MaxRate:N0}."));
            }
            if (body.Count is <= 0)
            {
                problems.Add(new FieldError("count", "A positive number of records, or empty for no limit."));
            }
            if (string.IsNullOrWhiteSpace(body.Target))
            {
                problems.Add(new FieldError("target", "Name the topic or stream to send to."));
            }
            if (body.TargetType is not ("topic" or "kinesis" or "firehose"))
            {
                problems.Add(new FieldError("targetType", "One of topic, kinesis, firehose."));
            }
            if (problems.Count > 0)
            {
                return Query.Error(400, "InvalidRequest", string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}")), problems);
            }
            IRecordTarget? target = body.TargetType == "topic"
                ? BrokerTopicTarget.Open(broker, body.Target!)
                : awsEndpoint() is not { } endpoint ? null
                : body.TargetType == "kinesis" ? AwsRecordTarget.Kinesis(endpoint, body.Target!) : AwsRecordTarget.Firehose(endpoint, body.Target!);
            if (target is null)
            {
                var message = body.TargetType == "topic"
                    ? $"Topic '{body.Target}' does not exist."
                    : "The AWS APIs are not running on this server.";
                return Query.Error(body.TargetType == "topic" ? 404 : 503, body.TargetType == "topic" ? nameof(ErrorCode.UnknownTopicOrPartition) : "AwsUnavailable", message, [new FieldError("target", message)]);
            }
            try
            {
                var run = runs.Start(template, target, new GeneratorOptions { Rate = body.Rate, Count = body.Count, Seed = body.Seed });
                return Results.Created($"{ConsoleEndpoints.ApiPrefix}/generator/runs/{run.Id}", View(run));
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                await target.DisposeAsync().ConfigureAwait(false);
                return Query.Error(409, "TooManyRuns", e.Message);
            }
        });
    }

    internal sealed record PreviewRequest(string? Template, int? Count, int? Seed);

    internal sealed record StartRequest(string? Template, string? TargetType, string? Target, double? Rate, long? Count, int? Seed);

    internal sealed record RunView(string Id, string Target, string State, double? Rate, long? Count, DateTimeOffset Started, long Sent, long Errors, double ElapsedSeconds, double RecentRate, IReadOnlyList<string> ErrorMessages);

    private static RunView View(GeneratorRunState run)
    {
        var (state, progress, errors) = run.Snapshot();
        return new RunView(run.Id, run.Target, state, run.Rate, run.Count, run.Started, progress.Sent, progress.Errors, progress.Elapsed.TotalSeconds, progress.RecentRate, errors);
    }

    /// <summary>The compiled template, or the 400 whose message (the compiler's, naming the line and column) belongs to the template field.</summary>
    private static (KdgTemplate? Template, IResult? Error) Compile(string? source)
    {
        try
        {
            return (KdgTemplate.Compile(source ?? ""), null);
        }
        catch (TemplateException e)
        {
            return (null, Query.Error(400, "TemplateException", e.Message, [new FieldError("template", e.Message)]));
        }
    }

    private static IResult NotFound(string id) => Query.Error(404, "RunNotFound", $"No generator run {id} (finished runs are kept up to {GeneratorRuns.MaxKept}).");
}
