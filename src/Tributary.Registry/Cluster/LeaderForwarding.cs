using System.Net.Http.Headers;
using Tributary.Registry.Store;

namespace Tributary.Registry.Cluster;

/// <summary>
/// A follower's half of the single-leader design (Confluent's forwarding in its REST resources): a write that reaches
/// an instance which does not lead is sent on unchanged (method, raw path and query, body, content type) to the
/// leader's REST URL, and the leader's status and body are answered. Before answering a successful write the follower
/// catches up with the topic, so a read sent to it after the write sees the write. Reads, lookups
/// (<c>POST /subjects/{s}</c>) and compatibility checks are answered by every instance from its own state.
/// </summary>
public sealed class LeaderForwarding(RegistryGroupMember member, SchemaRegistry registry) : IDisposable
{
    /// <summary>How long a write waits for an election to name a leader before it is answered 50004.</summary>
    private static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public RegistryGroupMember Member => member;

    /// <summary>Whether the operation changes the registry (and so only the leader may perform it).</summary>
    public static bool IsWrite(RegistryRequest request) => request.Method switch
    {
        "PUT" or "DELETE" => true,
        "POST" => request.Segments is not (["subjects", _] or ["compatibility", ..]),
        _ => false,
    };

    /// <summary>Null when this instance handles the request itself (a read, or a write while it leads); else the leader's answer.</summary>
    public async Task<(int Status, string Body)?> ForwardIfFollowerAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        if (!IsWrite(request) || request.Forwarded)
        {
            return null;
        }
        var leader = await member.WaitForLeaderAsync(LeaderWait, cancellationToken).ConfigureAwait(false) ?? throw RegistryException.UnknownLeader();
        if (member.IsLeader)
        {
            return null;
        }
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), leader.Url + request.RawTarget);
        message.Headers.Add(RegistryRequest.ForwardedHeader, member.Identity.Url);
        if (request.RawBody.Length > 0)
        {
            message.Content = new ByteArrayContent(request.RawBody);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type : new MediaTypeHeaderValue(RegistryServer.ContentType);
        }
        int status;
        string body;
        try
        {
            using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw RegistryException.ForwardingFailed($"{leader.Url}: {e.Message}");
        }
        if (status is >= 200 and < 300)
        {
            await registry.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        }
        return (status, body);
    }

    public void Dispose() => _http.Dispose();
}
