namespace Tributary.Msk.Handlers;

/// <summary>
/// CreateCluster (POST /v1/clusters) and CreateClusterV2 (POST /api/v2/clusters): not supported yet. Tributary serves
/// one cluster, the embedded broker; further clusters (each its own broker, data directory and port) are a later
/// step (docs/msk-api.md). Answered with BadRequestException saying so, never a silent success.
/// </summary>
internal sealed class CreateCluster(string name) : IMskOperation
{
    public string Name => name;

    public Task<MskResponse> ExecuteAsync(MskRequest request) =>
        throw MskException.BadRequest("Tributary serves one MSK cluster, its embedded broker; creating further clusters is not supported yet. Use ListClustersV2 to find the embedded cluster.");
}
