using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using Tributary.Generator;
using Tributary.Generator.Targets;
using Tributary.Generator.Templates;

namespace Tributary.Server.Commands;

/// <summary>
/// <c>tributary generate --template FILE --rate N [--count N] [--duration S] --to kafka:TOPIC | kinesis:STREAM |
/// firehose:STREAM</c>: test records from a Kinesis Data Generator template, sent at a steady rate, with a progress line
/// each second on stderr (records/s, total, errors) and a summary on stdout. <c>--test N</c> prints N rendered records
/// and sends nothing (the generator's "Test template"). Exit codes: 0 done (every record sent), 3 done with errors
/// (records refused or requests failed), 1 a template or destination that cannot be used, 2 bad arguments.
/// Ctrl-C or SIGTERM stops the run and prints the summary.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var template = new Option<FileInfo>("--template") { Description = "The record template (Kinesis Data Generator syntax: {{random.number(100)}}, {{name.firstName}}, ...).", HelpName = "FILE", Required = true };
        var to = new Option<string>("--to")
        {
            Description = "Where records go: kafka:TOPIC, kinesis:STREAM or firehose:STREAM.",
            HelpName = "TARGET",
            DefaultValueFactory = _ => string.Empty,
        };
        to.Validators.Add(ValidateTarget);
        // 'max' is +∞ here: System.CommandLine cannot hand back a null that a custom parser returned for a nullable value type.
        var rate = new Option<double>("--rate")
        {
            Description = "Records per second, or 'max' for as fast as the destination takes them (default 100, the generator's).",
            HelpName = "N|max",
            CustomParser = ParseRate,
            DefaultValueFactory = _ => 100,
        };
        var count = new Option<long?>("--count") { Description = "Stop after N records.", HelpName = "N", CustomParser = result => ParsePositive(result) };
        var duration = new Option<long?>("--duration") { Description = "Stop after S seconds.", HelpName = "S", CustomParser = result => ParsePositive(result) };
        var seed = new Option<int?>("--seed") { Description = "Seed the helpers' randomness for repeatable records.", HelpName = "N" };
        var test = new Option<int?>("--test") { Description = "Print N rendered records and send nothing.", HelpName = "N", CustomParser = result => (int?)ParsePositive(result) };
        var bootstrap = new Option<string>("--bootstrap-servers")
        {
            Description = "Kafka bootstrap servers for kafka: targets.",
            HelpName = "HOST:PORT[,...]",
            DefaultValueFactory = _ => "127.0.0.1:9092",
        };
        var endpoint = new Option<Uri>("--endpoint-url")
        {
            Description = "The AWS endpoint for kinesis: and firehose: targets (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, region from AWS_REGION).",
            HelpName = "URL",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:4566"),
            CustomParser = ParseEndpoint,
        };
        var command = new Command("generate", "Send test records from a Kinesis Data Generator template to a topic, a Kinesis stream or a delivery stream at a steady rate.");
        foreach (var option in new Option[] { template, to, rate, count, duration, seed, test, bootstrap, endpoint })
        {
            command.Add(option);
        }
        command.Validators.Add(result =>
        {
            if (result.GetValue(test) is null && string.IsNullOrEmpty(result.GetValue(to)))
            {
                result.AddError("--to is required (kafka:TOPIC, kinesis:STREAM or firehose:STREAM) unless --test is given.");
            }
        });
        command.SetAction((result, _) => RunAsync(
            result.GetValue(template)!, result.GetValue(to)!, double.IsPositiveInfinity(result.GetValue(rate)) ? null : result.GetValue(rate), result.GetValue(count), result.GetValue(duration),
            result.GetValue(seed), result.GetValue(test), result.GetValue(bootstrap)!, result.GetValue(endpoint)!));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo templateFile, string to, double? rate, long? count, long? durationSeconds, int? seed, int? test, string bootstrap, Uri endpoint)
    {
        KdgTemplate template;
        try
        {
            template = KdgTemplate.Compile(await File.ReadAllTextAsync(templateFile.FullName).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TemplateException)
        {
            await Console.Error.WriteLineAsync($"tributary generate: {templateFile.Name}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        if (test is { } samples)
        {
            return PrintSamples(template, samples, seed);
        }

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        IRecordTarget target;
        try
        {
            target = await OpenTargetAsync(to, bootstrap, endpoint, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"tributary generate: {to} cannot be used: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        await using (target.ConfigureAwait(false))
        {
            var options = new GeneratorOptions
            {
                Rate = rate,
                Count = count,
                Duration = durationSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
                Seed = seed,
            };
            var progress = await new GeneratorRun(template, target, options).RunAsync(
                p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generate: {p.RecentRate:N0} records/s, {p.Sent:N0} sent, {p.Errors:N0} errors, {p.Elapsed.TotalSeconds:F0} s")),
                message => Console.Error.WriteLine($"tributary generate: {target.Name}: {message}"),
                stop.Token).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Sent {progress.Sent} records to {target.Name} in {progress.Elapsed.TotalSeconds:F1} s ({progress.AverageRate:F0} records/s), {progress.Errors} errors."));
            return progress.Errors > 0 ? 3 : 0;
        }
    }

    private static int PrintSamples(KdgTemplate template, int samples, int? seed)
    {
        foreach (var record in GeneratorRun.Samples(template, samples, seed))
        {
            Console.WriteLine(record);
        }
        return 0;
    }

    private static async Task<IRecordTarget> OpenTargetAsync(string to, string bootstrap, Uri endpoint, CancellationToken cancellationToken)
    {
        var (kind, name) = SplitTarget(to)!.Value;
        return kind switch
        {
            "kafka" => await KafkaTarget.OpenAsync(bootstrap.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), name, cancellationToken).ConfigureAwait(false),
            _ => await CheckedAsync(kind == "kinesis" ? AwsRecordTarget.Kinesis(endpoint, name) : AwsRecordTarget.Firehose(endpoint, name), cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The target once its stream is known to exist; disposed when it does not (or cannot be asked).</summary>
    private static async Task<IRecordTarget> CheckedAsync(AwsRecordTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await target.CheckAsync(cancellationToken).ConfigureAwait(false);
            return target;
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static (string Kind, string Name)? SplitTarget(string text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return null;
        }
        var kind = text[..colon];
        return kind is "kafka" or "kinesis" or "firehose" ? (kind, text[(colon + 1)..]) : null;
    }

    private static void ValidateTarget(OptionResult result)
    {
        var text = result.GetValueOrDefault<string>();
        if (!string.IsNullOrEmpty(text) && SplitTarget(text) is null)
        {
            result.AddError($"--to must be kafka:TOPIC, kinesis:STREAM or firehose:STREAM, not '{text}'.");
        }
    }

    private static double ParseRate(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (text == "max")
        {
            return double.PositiveInfinity;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= 10_000_000)
        {
            return value;
        }
        result.AddError($"--rate must be a number of records per second above 0 (at most 10000000) or 'max', not '{text}'.");
        return 0;
    }

    private static Uri ParseEndpoint(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }
        result.AddError($"--endpoint-url must be an http:// or https:// URL, not '{text}'.");
        return new Uri("http://invalid");
    }

    private static long? ParsePositive(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }
        var option = result.Parent is OptionResult parent ? parent.Option.Name : "the value";
        result.AddError($"{option} must be a whole number above 0, not '{text}'.");
        return null;
    }
}
