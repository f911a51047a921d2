namespace Tributary.Interop.Tests.Security;

/// <summary>
/// OAUTHBEARER and MSK IAM with real clients as separate processes (docs/security.md): confluent-kafka (librdkafka) with
/// its built-in unsecured JWT (<c>enable.sasl.oauthbearer.unsecure.jwt</c>, <c>sasl.oauthbearer.config</c>) and with a
/// JWKS-signed JWT through <c>oauth_cb</c>; kafkajs with an <c>oauthBearerProvider</c> handing a signed JWT, and one
/// handing tokens from AWS's own signer (aws-msk-iam-sasl-signer-js); refusals for a wrong audience and a wrong IAM secret.
/// </summary>
[Trait("Category", "process")]
public sealed class OAuthBearerInteropTests(SecuredServer server) : IClassFixture<SecuredServer>
{
    [Fact]
    public async Task Confluent_kafka_produces_and_consumes_with_librdkafkas_unsecured_JWT_over_SASL_SSL()
    {
        InteropClients.RequireConfluentKafka();
        await RunConfluentAsync("confluent-oauth-unsecured", new Dictionary<string, string>
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanisms"] = "OAUTHBEARER",
            ["enable.sasl.oauthbearer.unsecure.jwt"] = "true",
            ["sasl.oauthbearer.config"] = "principal=bob scope=kafka lifeSeconds=600",
            ["ssl.ca.location"] = server.CaFile,
        });
    }

    [Fact]
    public async Task Confluent_kafka_produces_and_consumes_with_a_JWKS_signed_JWT_from_oauth_cb()
    {
        InteropClients.RequireConfluentKafka();
        await RunConfluentAsync("confluent-oauth-signed", new Dictionary<string, string>
        {
            ["security.protocol"] = "SASL_PLAINTEXT",
            ["sasl.mechanisms"] = "OAUTHBEARER",
            ["tributary.oauth.token"] = server.SignJwt("carol"),
        });
    }

    [Fact]
    public async Task Kafkajs_produces_and_consumes_with_a_signed_JWT_from_its_oauthBearerProvider()
    {
        InteropClients.RequireMskIamSigner();
        var result = await RunKafkajsAsync("kafkajs-oauth-signed", "jwt:" + server.SignJwt("dave"), server.CaFile);
        result.EnsureSuccess();
        Assert.Contains("\"event\":\"done\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kafkajs_with_a_JWT_for_another_audience_fails()
    {
        InteropClients.RequireMskIamSigner();
        var result = await RunKafkajsAsync("kafkajs-oauth-refused", "jwt:" + server.SignJwt("dave", audience: "someone-else"));
        Assert.True(result.ExitCode == 1, "expected the client to fail:\n" + result);
        Assert.Contains("\"event\":\"error\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kafkajs_produces_and_consumes_with_tokens_from_AWSs_MSK_IAM_signer()
    {
        InteropClients.RequireMskIamSigner();
        var result = await RunKafkajsAsync("kafkajs-msk-iam", "msk-iam:eu-west-1", server.CaFile, SecuredServer.IamSecret);
        result.EnsureSuccess();
        Assert.Contains("\"event\":\"done\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kafkajs_with_an_MSK_IAM_token_signed_with_a_wrong_secret_fails()
    {
        InteropClients.RequireMskIamSigner();
        var result = await RunKafkajsAsync("kafkajs-msk-iam-refused", "msk-iam:eu-west-1", secret: "not-the-secret");
        Assert.True(result.ExitCode == 1, "expected the client to fail:\n" + result);
        Assert.Contains("\"event\":\"error\"", result.StandardOutput, StringComparison.Ordinal);
    }

    private Task<ClientResult> RunKafkajsAsync(string topic, string tokenSource, string? caFile = null, string secret = SecuredServer.IamSecret)
    {
        string[] arguments = [Path.Combine(InteropPaths.OAuthBearerScripts, "kafkajs_oauthbearer.mjs"), server.Bootstrap(caFile is null ? "SASL_PLAINTEXT" : "SASL_SSL"), topic, "20", tokenSource];
        return ClientProcess.RunAsync(InteropClients.Node, caFile is null ? arguments : [.. arguments, caFile], TimeSpan.FromSeconds(120),
            workingDirectory: InteropPaths.OAuthBearerScripts,
            environment: new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = SecuredServer.IamAccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = secret,
                ["AWS_SESSION_TOKEN"] = string.Empty,
                ["AWS_PROFILE"] = string.Empty,
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            });
    }

    private async Task RunConfluentAsync(string topic, Dictionary<string, string> security)
    {
        var result = await ClientProcess.RunAsync(InteropClients.Python,
            [Path.Combine(InteropPaths.Scripts, "secure_produce_consume.py"), "confluent", server.Bootstrap(security["security.protocol"]), topic, "50", System.Text.Json.JsonSerializer.Serialize(security)],
            TimeSpan.FromSeconds(150));
        result.EnsureSuccess();
        Assert.Contains("\"event\": \"done\"", result.StandardOutput, StringComparison.Ordinal);
    }
}
