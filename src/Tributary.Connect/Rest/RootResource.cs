using System.Text.Json.Nodes;
using Tributary.Connect.Runtime.Herder;

namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// <c>GET /</c> (version, commit, kafka_cluster_id) and <c>GET /health</c> (KIP-1017): 200 "healthy" once the worker can
/// serve connector requests (<see cref="IHerder.ReadyAsync"/>: a distributed worker holds an assignment of its group),
/// 503 "starting" before, as Kafka answers while its worker is still starting up. MSK Connect's runtime reads it to
/// know that a worker it started has joined its group.
/// </summary>
public sealed class RootResource(IHerder herder, string? kafkaClusterId, string version)
{
    public Task<RestResponse> HandleAsync(RestRequest request, CancellationToken cancellationToken)
    {
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
            if (!herder.ReadyAsync(CancellationToken.None).IsCompletedSuccessfully)
            {
                return Task.FromResult(new RestResponse(503, new JsonObject { ["status"] = "starting", ["message"] = "Worker is still starting up." }));
            }
            return Task.FromResult(new RestResponse(200, new JsonObject { ["status"] = "healthy", ["message"] = "Worker has completed startup and is ready to handle requests." }));
        }
        throw new ConnectRestException(404, "HTTP 404 Not Found");
    }

    public static ConnectRestException MethodNotAllowed() => new(405, "HTTP 405 Method Not Allowed");
}
