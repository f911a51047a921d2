using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.Aws;
using Tributary.Aws.RestJson;
using Tributary.Msk.State;

namespace Tributary.Msk;

/// <summary>
/// The MSK API (REST-JSON, SigV4 name <c>kafka</c>) on the AWS endpoint. The front door hands it the requests signed
/// for <c>kafka</c> under MSK's path prefixes <c>/v1/</c> and <c>/api/v2/</c> (<see cref="AwsRestRouting"/>; unsigned
/// requests stay S3's). Path of a request: CORS preflight → read the body (bounded) → SigV4 check when credentials
/// are configured → route (<see cref="MskRouter"/>) → the operation → JSON, or MSK's error shape for any failure.
/// Thread-safe. Disposal closes the brokers of the clusters CreateCluster made (<see cref="MskRegistry.DisposeAsync"/>).
/// </summary>
public sealed class MskService : IAwsRestService, IAsyncDisposable
{
    public const string SigningName = "kafka";

    /// <summary>MSK's largest request is a configuration's server.properties; 1 MiB is far above any real one.</summary>
    private const int MaxRequestBytes = 1024 * 1024;

    private readonly MskRouter _router;
    private readonly RestJsonFrontEnd _frontEnd;

    public MskService(MskRegistry registry, IReadOnlyDictionary<string, string> credentials, ILogger<MskService> logger)
    {
        Registry = registry;
        _router = new MskRouter(registry);
        _frontEnd = new RestJsonFrontEnd("MSK", SigningName, MaxRequestBytes, credentials, logger);
    }

    public MskRegistry Registry { get; }

    public IEnumerable<string> OperationNames => _router.OperationNames;

    string IAwsRestService.SigningName => SigningName;

    public bool Claims(HttpRequest request) =>
        request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) || request.Path.StartsWithSegments("/api/v2", StringComparison.Ordinal);

    public Task HandleAsync(HttpContext context) => _frontEnd.HandleAsync(context, async (http, rawPath, body) =>
    {
        var (operation, labels) = _router.Route(http.Request.Method, rawPath);
        var response = await operation.ExecuteAsync(new MskRequest { Http = http, Labels = labels, Body = body }).ConfigureAwait(false);
        return (response.StatusCode, response.Body);
    });

    public ValueTask DisposeAsync() => Registry.DisposeAsync();
}
