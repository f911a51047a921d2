using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.Aws;

/// <summary>
/// Renders a service's error table (docs/aws-errors-SERVICE.md, issue 23) from its implementation: every operation
/// is run in-process with probe requests, the constraints its validation checks are recorded through
/// <see cref="AwsValidation.Recording"/> (so the table cannot drift from the code), and each probe's answer is
/// written as "TYPE (status): message", "200" or "200 (empty body)". Every output in the table is what the code said;
/// the caller gives inputs only (the operations, their probes, the page's heading). A test of each service compares
/// the rendering with the committed file. The operations run in the calling flow, one at a time: not thread-safe
/// towards the service's state, which the probes may change.
/// </summary>
public static class AwsErrorTable
{
    /// <param name="service">The service whose operations are listed, in ordinal name order.</param>
    /// <param name="heading">The page's text before the first operation (title and explanation), ending with a newline.</param>
    /// <param name="probes">Requests per operation beyond the empty body <c>{}</c> every operation gets.</param>
    public static async Task<string> RenderAsync(AwsService service, string heading, IReadOnlyDictionary<string, string[]> probes)
    {
        var text = new StringBuilder(heading);
        foreach (var name in service.OperationNames.Order(StringComparer.Ordinal))
        {
            service.TryGetOperation(name, out var operation);
            var constraints = new List<(string Path, string Constraint)>();
            var answers = new List<(string Request, string Answer)>();
            foreach (var probe in (string[])["{}", .. probes.GetValueOrDefault(name, [])])
            {
                using (AwsValidation.Recording(constraints))
                {
                    answers.Add((probe, await RunAsync(operation, probe).ConfigureAwait(false)));
                }
            }
            RenderOperation(text, operation, constraints, answers);
        }
        return text.ToString();
    }

    /// <summary>Runs the operation in-process as the HTTP server would; the answer as "200", "200 (empty body)" or "TYPE (status): message".</summary>
    public static async Task<string> RunAsync(IAwsOperation operation, string body)
    {
        using var document = JsonDocument.Parse(body);
        var request = new AwsRequest { Operation = operation.Name, Format = AwsBodyFormat.Json, Body = document.RootElement, Http = new DefaultHttpContext() };
        try
        {
            if (operation is IAwsStreamingOperation streaming)
            {
                await streaming.StreamAsync(request, request.Http.Response).ConfigureAwait(false);
            }
            else
            {
                var output = new ArrayBufferWriter<byte>();
                var writer = AwsResponseWriter.Create(AwsBodyFormat.Json, output);
                writer.WriteStartObject();
                await operation.ExecuteAsync(request, writer).ConfigureAwait(false);
            }
            return operation.HasOutput ? "200" : "200 (empty body)";
        }
        catch (AwsErrorException e)
        {
            return $"{e.ErrorType} ({e.StatusCode}): {e.AwsMessage}";
        }
    }

    private static void RenderOperation(StringBuilder text, IAwsOperation operation, List<(string Path, string Constraint)> constraints, List<(string Request, string Answer)> answers)
    {
        text.Append("\n## ").Append(operation.Name).Append("\n\n");
        if (constraints.Count > 0)
        {
            // Paths in the model's member order (unknown ones last), each path's constraints in first-checked order.
            var order = operation.InputMembers;
            int Rank(string path)
            {
                var dot = path.IndexOf('.');
                var member = dot < 0 ? path : path[..dot];
                for (var i = 0; i < order.Count; i++)
                {
                    if (order[i] == member)
                    {
                        return i;
                    }
                }
                return order.Count;
            }
            text.Append("| Member | Constraints (ValidationException) |\n|---|---|\n");
            foreach (var group in constraints.Select(c => c.Path).Distinct().Select((p, i) => (Path: p, First: i)).OrderBy(p => Rank(p.Path)).ThenBy(p => p.First))
            {
                var texts = constraints.Where(c => c.Path == group.Path).Select(c => c.Constraint).Distinct();
                text.Append("| `").Append(group.Path).Append("` | ").Append(Cell(string.Join("; ", texts))).Append(" |\n");
            }
            text.Append('\n');
        }
        text.Append("| Request | Answer |\n|---|---|\n");
        foreach (var (request, answer) in answers)
        {
            text.Append("| `").Append(Cell(request)).Append("` | ").Append(Cell(answer)).Append(" |\n");
        }
    }

    /// <summary>Markdown table cells: pipes escaped, one line.</summary>
    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
