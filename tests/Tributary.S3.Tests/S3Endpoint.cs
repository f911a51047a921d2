using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Aws;
using Tributary.ObjectStores;
using Tributary.S3.Storage;

namespace Tributary.S3.Tests;

/// <summary>
/// The AWS front door in-process with the S3 service over a temporary embedded bucket and, beside it, a JSON service
/// (<c>Echo_20240101.Echo</c>) to show the routing between them. Each test owns one.
/// </summary>
public sealed class S3Endpoint : IAsyncDisposable
{
    private AwsHttpServer? _server;

    public string Root { get; } = Directory.CreateTempSubdirectory("tributary-s3-wire-").FullName;

    public HttpClient Http { get; } = new();

    public string Endpoint => $"http://127.0.0.1:{_server!.Port}";

    public LocalDirectoryStore Store { get; private set; } = null!;

    public static async Task<S3Endpoint> StartAsync(IReadOnlyDictionary<string, string>? credentials = null)
    {
        var endpoint = new S3Endpoint();
        credentials ??= new Dictionary<string, string>();
        endpoint.Store = new LocalDirectoryStore(Path.Combine(endpoint.Root, "objects"));
        var s3 = new S3Service(new EmbeddedBuckets(endpoint.Store), credentials, NullLogger<S3Service>.Instance);
        var echo = new AwsService("Echo_20240101", "echo", [new EchoOperation()]);
        endpoint._server = await AwsHttpServer.StartAsync([echo], [s3], new AwsHttpServerOptions { Port = 0, Http2Port = -1, Credentials = credentials }, NullLoggerFactory.Instance);
        return endpoint;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null, Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Endpoint + pathAndQuery) { Content = content };
        headers?.Invoke(request);
        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A JSON-protocol operation answering <c>{"echo": true}</c>.</summary>
    private sealed class EchoOperation : IAwsOperation
    {
        public string Name => "Echo";

        public ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
        {
            response.WriteBoolean("echo", true);
            return ValueTask.CompletedTask;
        }
    }
}
