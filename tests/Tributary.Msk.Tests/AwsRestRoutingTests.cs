using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Tributary.Aws;

namespace Tributary.Msk.Tests;

/// <summary>
/// The front door's one place that tells S3 and MSK apart (<see cref="AwsRestRouting"/>): the credential scope's
/// service name first, S3 (registered first) for unsigned requests; and the same on the real server.
/// </summary>
public sealed class AwsRestRoutingTests
{
    private sealed class FakeService(string signingName, Func<HttpRequest, bool> claims) : IAwsRestService
    {
        public string SigningName => signingName;

        public bool Claims(HttpRequest request) => claims(request);

        public Task HandleAsync(HttpContext context) => Task.CompletedTask;
    }

    private static readonly FakeService S3 = new("s3", r => r.Path.Value is not (null or "" or "/"));
    private static readonly FakeService Msk = new("kafka", r => r.Path.StartsWithSegments("/v1") || r.Path.StartsWithSegments("/api/v2"));
    private static readonly IReadOnlyList<IAwsRestService> Services = [S3, Msk];

    private static HttpRequest Request(string path, string? authorization = null, string? query = null, string? target = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        if (target is not null)
        {
            context.Request.Headers["X-Amz-Target"] = target;
        }
        return context.Request;
    }

    private static string Signed(string service) =>
        $"AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

    [Fact]
    public void The_credential_scope_picks_the_service_and_unsigned_requests_stay_with_s3()
    {
        Assert.Same(Msk, AwsRestRouting.Select(Services, Request("/v1/clusters", Signed("kafka"))));
        Assert.Same(Msk, AwsRestRouting.Select(Services, Request("/api/v2/clusters", Signed("kafka"))));
        // The same path signed for S3, or not signed at all, is a bucket named v1 or api.
        Assert.Same(S3, AwsRestRouting.Select(Services, Request("/v1/clusters", Signed("s3"))));
        Assert.Same(S3, AwsRestRouting.Select(Services, Request("/api/v2/clusters")));
        // A presigned URL's scope counts as the header's does.
        Assert.Same(Msk, AwsRestRouting.Select(Services, Request("/v1/clusters", query: "?X-Amz-Credential=AKID%2F20261206%2Fus-east-1%2Fkafka%2Faws4_request")));
        // Signed for a name no REST service has (a JSON service): the unsigned rule.
        Assert.Same(S3, AwsRestRouting.Select(Services, Request("/bucket/key", Signed("kinesis"))));
        // Signed for MSK on a path MSK does not claim: nobody (the JSON path answers), never S3.
        Assert.Null(AwsRestRouting.Select(Services, Request("/bucket/key", Signed("kafka"))));
        // A target always means the JSON services.
        Assert.Null(AwsRestRouting.Select(Services, Request("/v1/clusters", Signed("kafka"), target: "Kinesis_20131202.ListStreams")));
        Assert.Equal("kafka", AwsRestRouting.CredentialScopeService(Request("/", Signed("kafka"))));
        Assert.Null(AwsRestRouting.CredentialScopeService(Request("/", "AWS4-HMAC-SHA256 Credential=broken")));
    }
}

/// <summary>The routing on the real server: an unsigned request to an MSK path is S3's (an S3 error in XML).</summary>
[Trait("Category", "process")]
public sealed class ServedRoutingTests(MskServer server) : IClassFixture<MskServer>
{
    [Fact]
    public async Task An_unsigned_request_on_an_msk_path_is_answered_by_s3()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.Endpoint + "/v1/clusters");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Headers.Contains("x-amz-request-id"), body);
        Assert.StartsWith("<?xml", body, StringComparison.Ordinal);
        Assert.Contains("<Code>", body, StringComparison.Ordinal);
        Assert.NotEqual(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
    }
}
