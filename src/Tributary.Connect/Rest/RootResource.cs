using System.Text.Json.Nodes;
using Tributary.Connect.Runtime.Herder;

namespace Tributary.Connect.Runtime.Rest;

/// <summary><c>GET /</c> (version, commit, kafka_cluster_id) and <c>GET /health</c> (KIP-1017).</summary>
public sealed class RootResource(IHerder herder, string? kafkaClusterId, string version)
{
    public Task<RestResponse> HandleAsync(RestRequest request, CancellationToken cancellationToken)
    {
        _ = herder;
        if (request.Method != "GET")
        {
            throw MethodNotAllowed();
        }
        if (request.Segments.Count == 0)
        {
            return Task.FromResult(new RestResponse(200, new JsonObject { ["version"] = version, ["commit"] = version, ["kafka_cluster_id"] = kafkaClusterId }));
        }
        if (request.Segments.Count == 1)
        {
            return Task.FromResult(new RestResponse(200, new JsonObject { ["status"] = "healthy", ["message"] = "Worker has completed startup and is ready to handle requests." }));
        }
        throw new ConnectRestException(404, "HTTP 404 Not Found");
    }

    public static ConnectRestException MethodNotAllowed() => new(405, "HTTP 405 Method Not Allowed");
}
