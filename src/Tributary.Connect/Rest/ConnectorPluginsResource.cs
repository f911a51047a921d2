using System.Text.Json.Nodes;
using Tributary.Connect.Plugins;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Herder;
using Tributary.Connect.Runtime.Plugins;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// <c>/connector-plugins</c>: the plugin list (connectors only by default, KIP-769), a plugin's configuration keys, and
/// <c>PUT /connector-plugins/{type}/config/validate</c> (200 even when the configuration has errors).
/// </summary>
public sealed class ConnectorPluginsResource(IHerder herder)
{
    public async Task<RestResponse> HandleAsync(RestRequest request, CancellationToken cancellationToken)
    {
        var segments = request.Segments;
        if (segments.Count == 1)
        {
            if (request.Method != "GET")
            {
                throw RootResource.MethodNotAllowed();
            }
            var connectorsOnly = request.QueryFlag("connectorsOnly", true);
            var list = herder.Plugins.All
                .Where(p => !connectorsOnly || p.Kind is PluginType.Source or PluginType.Sink)
                .OrderBy(p => p.Kind is PluginType.Source or PluginType.Sink ? 0 : 1).ThenBy(p => p.ClassName, StringComparer.Ordinal)
                .Select(p => (JsonNode)RestJson.Plugin(p));
            return new RestResponse(200, new JsonArray([.. list]));
        }
        if (segments.Count == 3 && segments[2] == "config")
        {
            if (request.Method != "GET")
            {
                throw RootResource.MethodNotAllowed();
            }
            var plugin = herder.Plugins.Find(segments[1], PluginType.Source, PluginType.Sink, PluginType.Converter, PluginType.HeaderConverter, PluginType.Transformation, PluginType.Predicate)
                ?? throw new ConnectRestException(404, "Unknown plugin " + segments[1] + ".");
            var definition = ConfigOf(plugin);
            return new RestResponse(200, new JsonArray([.. definition.Keys.Values.Select(k => (JsonNode)RestJson.ConfigKeyInfo(k))]));
        }
        if (segments.Count == 4 && segments[2] == "config" && segments[3] == "validate")
        {
            if (request.Method != "PUT")
            {
                throw RootResource.MethodNotAllowed();
            }
            using var body = await request.JsonBodyAsync(cancellationToken).ConfigureAwait(false);
            var config = ConnectorsResource.StringMap(body.RootElement, "Connector configuration");
            if (config.TryGetValue(ConnectorConfig.ConnectorClass, out var className))
            {
                var type = segments[1];
                // Kafka compares both names without a trailing "Connector".
                static string Normalized(string name) => name.EndsWith("Connector", StringComparison.Ordinal) ? name[..^"Connector".Length] : name;
                if (!Normalized(className.Trim()).EndsWith(Normalized(type), StringComparison.Ordinal))
                {
                    throw new BadRequestException("Included connector type " + className + " does not match request type " + type);
                }
            }
            var result = herder.Validate(config);
            return new RestResponse(200, RestJson.ConfigInfos(result));
        }
        throw new ConnectRestException(404, "HTTP 404 Not Found");
    }

    private static Tributary.Connect.Config.ConfigDef ConfigOf(PluginDescriptor plugin)
    {
        var instance = Activator.CreateInstance(plugin.Type);
        try
        {
            return instance switch
            {
                Connector connector => connector.Config,
                Tributary.Connect.Storage.IConverter converter when plugin.Kind == PluginType.Converter => converter.Config,
                Tributary.Connect.Storage.IHeaderConverter header => header.Config,
                Transforms.ITransformation transformation => transformation.Config,
                Transforms.IPredicate predicate => predicate.Config,
                _ => new Tributary.Connect.Config.ConfigDef(),
            };
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

}
