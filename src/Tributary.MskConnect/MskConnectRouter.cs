using Tributary.MskConnect.Handlers;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect;

/// <summary>
/// MSK Connect's routes (method and path template from its API reference) → operations. A label is one raw path
/// segment, percent-decoded: clients encode an ARN's slashes as <c>%2F</c>. Immutable after construction; thread-safe.
/// </summary>
public sealed class MskConnectRouter
{
    private readonly List<(string Method, string[] Template, IMskConnectOperation Operation)> _routes = [];

    public MskConnectRouter(MskConnectRegistry registry)
    {
        Add("POST", "/v1/custom-plugins", new CreateCustomPlugin(registry));
        Add("GET", "/v1/custom-plugins", new ListCustomPlugins(registry));
        Add("GET", "/v1/custom-plugins/{customPluginArn}", new DescribeCustomPlugin(registry));
        Add("DELETE", "/v1/custom-plugins/{customPluginArn}", new DeleteCustomPlugin(registry));
        Add("POST", "/v1/worker-configurations", new CreateWorkerConfiguration(registry));
        Add("GET", "/v1/worker-configurations", new ListWorkerConfigurations(registry));
        Add("GET", "/v1/worker-configurations/{workerConfigurationArn}", new DescribeWorkerConfiguration(registry));
        Add("DELETE", "/v1/worker-configurations/{workerConfigurationArn}", new DeleteWorkerConfiguration(registry));
        Add("POST", "/v1/connectors", new CreateConnector(registry));
        Add("GET", "/v1/connectors", new ListConnectors(registry));
        Add("GET", "/v1/connectors/{connectorArn}", new DescribeConnector(registry));
        Add("PUT", "/v1/connectors/{connectorArn}", new UpdateConnector(registry));
        Add("DELETE", "/v1/connectors/{connectorArn}", new DeleteConnector(registry));
    }

    public IEnumerable<string> OperationNames => _routes.Select(r => r.Operation.Name);

    private void Add(string method, string template, IMskConnectOperation operation) =>
        _routes.Add((method, template.Split('/', StringSplitOptions.RemoveEmptyEntries), operation));

    /// <summary>The operation for a method and raw path with its labels; NotFoundException when none matches.</summary>
    public (IMskConnectOperation Operation, Dictionary<string, string> Labels) Route(string method, string rawPath)
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
            ? MskConnectException.BadRequest($"The method {method} is not allowed on {rawPath}.")
            : MskConnectException.NotFound($"No MSK Connect operation has the path {rawPath}.");
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
                try
                {
                    labels[part[1..^1]] = Uri.UnescapeDataString(segments[i]);
                }
                catch (UriFormatException)
                {
                    throw MskConnectException.BadRequest($"The path segment '{segments[i]}' is not valid percent-encoding.");
                }
            }
            else if (!string.Equals(part, segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }
        return labels;
    }
}
