namespace Tributary.Aws.RestJson;

/// <summary>
/// A REST-JSON service's routes (method and path template, as its API reference lists them) → operations. A label
/// (<c>{clusterArn}</c>) is one raw path segment, percent-decoded: clients encode an ARN's slashes as <c>%2F</c>. A path
/// that matches under another method is a BadRequestException, no match a NotFoundException (both in the REST-JSON
/// error shape). Filled once at construction, then read-only and thread-safe.
/// </summary>
public sealed class RestJsonRouter<TOperation>(string serviceName, Func<TOperation, string> operationName)
    where TOperation : class
{
    private readonly List<(string Method, string[] Template, TOperation Operation)> _routes = [];

    public IEnumerable<string> OperationNames => _routes.Select(r => operationName(r.Operation));

    public RestJsonRouter<TOperation> Add(string method, string template, TOperation operation)
    {
        _routes.Add((method, template.Split('/', StringSplitOptions.RemoveEmptyEntries), operation));
        return this;
    }

    /// <summary>The operation for a method and raw path (no query) with its labels.</summary>
    public (TOperation Operation, Dictionary<string, string> Labels) Route(string method, string rawPath)
    {
        var segments = rawPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathMatched = false;
        foreach (var (routeMethod, template, operation) in _routes)
        {
            if (Match(template, segments) is not { } labels)
            {
                continue;
            }
            pathMatched = true;
            if (string.Equals(routeMethod, method, StringComparison.OrdinalIgnoreCase))
            {
                return (operation, labels);
            }
        }
        throw pathMatched
            ? new RestJsonException(400, "BadRequestException", $"The method {method} is not allowed on {rawPath}.")
            : new RestJsonException(404, "NotFoundException", $"No {serviceName} operation has the path {rawPath}.");
    }

    private static Dictionary<string, string>? Match(string[] template, string[] segments)
    {
        if (template.Length != segments.Length)
        {
            return null;
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < template.Length; i++)
        {
            var part = template[i];
            if (part.StartsWith('{'))
            {
                labels[part[1..^1]] = Decode(segments[i]);
            }
            else if (!string.Equals(part, segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }
        return labels;
    }

    private static string Decode(string segment)
    {
        try
        {
            return Uri.UnescapeDataString(segment);
        }
        catch (UriFormatException)
        {
            throw new RestJsonException(400, "BadRequestException", $"The path segment '{segment}' is not valid percent-encoding.");
        }
    }
}
