using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.Aws.RestJson;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect;

/// <summary>
/// The MSK Connect API (REST-JSON, SigV4 name <c>kafkaconnect</c>) on the AWS endpoint. The front door hands it the
/// requests signed for <c>kafkaconnect</c> under its resource paths (<see cref="AwsRestRouting"/>). Path of a request:
/// CORS preflight → read the body (bounded) → SigV4 check when credentials are configured → route → the operation →
/// JSON, or the REST-JSON error shape (status, <c>x-amzn-ErrorType</c>, <c>{"message"}</c>). Disposing stops every
/// connector's workers. Thread-safe.
/// </summary>
public sealed class MskConnectService : IAwsRestService, IAsyncDisposable
{
    public const string SigningName = "kafkaconnect";

    /// <summary>The largest request is a connector configuration or a base64 worker properties file; 1 MiB is far above either.</summary>
    private const int MaxRequestBytes = 1024 * 1024;

    private static readonly string[] Prefixes = ["/v1/connectors", "/v1/connectorOperations", "/v1/custom-plugins", "/v1/worker-configurations", "/v1/tags"];

    private readonly MskConnectRouter _router;
    private readonly RestJsonFrontEnd _frontEnd;

    public MskConnectService(MskConnectRegistry registry, IReadOnlyDictionary<string, string> credentials, ILogger<MskConnectService> logger)
    {
        Registry = registry;
        _router = new MskConnectRouter(registry);
        _frontEnd = new RestJsonFrontEnd("MSK Connect", SigningName, MaxRequestBytes, credentials, logger);
    }

    public MskConnectRegistry Registry { get; }

    public IEnumerable<string> OperationNames => _router.OperationNames;

    string IAwsRestService.SigningName => SigningName;

    public bool Claims(HttpRequest request) =>
        Prefixes.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.Ordinal));

    public Task HandleAsync(HttpContext context) => _frontEnd.HandleAsync(context, async (http, rawPath, body) =>
    {
        var (operation, labels) = _router.Route(http.Request.Method, rawPath);
        var response = await operation.ExecuteAsync(new MskConnectRequest { Http = http, Labels = labels, Body = body }).ConfigureAwait(false);
        return (200, response.Body);
    });

    public ValueTask DisposeAsync() => Registry.DisposeAsync();
}
