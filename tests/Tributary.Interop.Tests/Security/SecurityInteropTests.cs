using System.Text.Json;

namespace Tributary.Interop.Tests.Security;

/// <summary>
/// TLS and SASL with real clients as separate processes (docs/security.md): kcat and confluent-kafka (librdkafka) over
/// SASL_SSL with SCRAM-SHA-512 and -256, kafka-python over SSL and over SASL_PLAINTEXT with SCRAM (its v0 handshake and
/// raw tokens), kafkajs with SCRAM over SASL_SSL; wrong passwords refused with SASL_AUTHENTICATION_FAILED's message; the
/// credentials listed by `tributary scram-credentials --describe`.
/// </summary>
[Trait("Category", "process")]
public sealed class SecurityInteropTests(SecuredServer server) : IClassFixture<SecuredServer>
{
    [Theory]
    [InlineData("SCRAM-SHA-512")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Kcat_produces_and_consumes_over_SASL_SSL_with_SCRAM(string mechanism)
    {
        InteropClients.RequireKcat();
        var topic = "kcat-" + mechanism.ToLowerInvariant();
        var input = Path.Combine(server.DataDirectory + "-tls", topic + ".txt");
        await File.WriteAllLinesAsync(input, ["one", "two", "three"]);
        string[] security = ["-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=" + mechanism, "-X", "sasl.username=" + SecuredServer.User,
            "-X", "sasl.password=" + SecuredServer.Password, "-X", "ssl.ca.location=" + server.CaFile];
        (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_SSL"), .. security, "-P", "-t", topic], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
        var consumed = (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_SSL"), .. security, "-C", "-t", topic, "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        Assert.Equal(["one", "two", "three"], consumed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Kcat_with_a_wrong_password_is_refused_with_the_brokers_message()
    {
        InteropClients.RequireKcat();
        var result = await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_SSL"), "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512",
            "-X", "sasl.username=" + SecuredServer.User, "-X", "sasl.password=wrong", "-X", "ssl.ca.location=" + server.CaFile, "-L", "-m", "5"], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode != 0, "kcat succeeded with a wrong password:\n" + result);
        Assert.Contains("invalid credentials with SASL mechanism SCRAM-SHA-512", result.StandardError, StringComparison.Ordinal);
        // The broker keeps serving: the right password still works.
        (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_SSL"), "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512",
            "-X", "sasl.username=" + SecuredServer.User, "-X", "sasl.password=" + SecuredServer.Password, "-X", "ssl.ca.location=" + server.CaFile, "-L", "-m", "10"], TimeSpan.FromSeconds(60))).EnsureSuccess();
    }

    [Theory]
    [InlineData("SCRAM-SHA-512")]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("PLAIN")]
    public async Task Confluent_kafka_produces_and_consumes_over_SASL_SSL(string mechanism)
    {
        InteropClients.RequireConfluentKafka();
        var security = new Dictionary<string, string>
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanisms"] = mechanism,
            ["sasl.username"] = SecuredServer.User,
            ["sasl.password"] = SecuredServer.Password,
            ["ssl.ca.location"] = server.CaFile,
        };
        await RunPythonAsync("confluent", server.Bootstrap("SASL_SSL"), "confluent-" + mechanism.ToLowerInvariant(), security);
    }

    [Fact]
    public async Task Kafka_python_produces_and_consumes_over_SSL()
    {
        InteropClients.RequireKafkaPython();
        await RunPythonAsync("kafka-python", server.Bootstrap("SSL"), "kafka-python-ssl", new Dictionary<string, object>
        {
            ["security_protocol"] = "SSL",
            ["ssl_cafile"] = server.CaFile,
        });
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public async Task Kafka_python_produces_and_consumes_over_SASL_PLAINTEXT_with_SCRAM(string mechanism)
    {
        InteropClients.RequireKafkaPython();
        await RunPythonAsync("kafka-python", server.Bootstrap("SASL_PLAINTEXT"), "kafka-python-" + mechanism.ToLowerInvariant(), new Dictionary<string, object>
        {
            ["security_protocol"] = "SASL_PLAINTEXT",
            ["sasl_mechanism"] = mechanism,
            ["sasl_plain_username"] = SecuredServer.User,
            ["sasl_plain_password"] = SecuredServer.Password,
        });
    }

    [Fact]
    public async Task Kafka_python_with_a_wrong_password_fails()
    {
        InteropClients.RequireKafkaPython();
        var result = await ClientProcess.RunAsync(InteropClients.Python, [Path.Combine(InteropPaths.Scripts, "secure_produce_consume.py"), "kafka-python", server.Bootstrap("SASL_PLAINTEXT"), "kafka-python-refused", "1",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["security_protocol"] = "SASL_PLAINTEXT", ["sasl_mechanism"] = "SCRAM-SHA-256", ["sasl_plain_username"] = SecuredServer.User, ["sasl_plain_password"] = "wrong", ["api_version_auto_timeout_ms"] = 5000 })],
            TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 1, "expected the client to fail:\n" + result);
        Assert.Contains("\"event\": \"error\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scram-sha-512")]
    [InlineData("scram-sha-256")]
    public async Task Kafkajs_produces_and_consumes_over_SASL_SSL_with_SCRAM(string mechanism)
    {
        InteropClients.RequireKafkaJs();
        var result = await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(InteropPaths.NodeScripts, "kafkajs_secure.mjs"), server.Bootstrap("SASL_SSL"), "kafkajs-" + mechanism, "20", mechanism, SecuredServer.User, SecuredServer.Password, server.CaFile],
            TimeSpan.FromSeconds(120), workingDirectory: InteropPaths.NodeScripts);
        result.EnsureSuccess();
        Assert.Contains("\"event\":\"done\"", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kafkajs_with_a_wrong_password_gets_SASL_AUTHENTICATION_FAILED()
    {
        InteropClients.RequireKafkaJs();
        var result = await ClientProcess.RunAsync(InteropClients.Node, [Path.Combine(InteropPaths.NodeScripts, "kafkajs_secure.mjs"), server.Bootstrap("SASL_PLAINTEXT"), "kafkajs-refused", "1", "scram-sha-256", SecuredServer.User, "wrong"],
            TimeSpan.FromSeconds(120), workingDirectory: InteropPaths.NodeScripts);
        Assert.True(result.ExitCode == 1, "expected the client to fail:\n" + result);
        Assert.Contains("invalid credentials", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_scram_credentials_command_lists_the_users_mechanisms()
    {
        var result = (await SecuredServer.RunTributaryAsync(["scram-credentials", "--bootstrap-server", server.Bootstrap("PLAINTEXT"), "--describe"])).EnsureSuccess();
        Assert.Contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=8192", result.StandardOutput, StringComparison.Ordinal);
        var missing = await SecuredServer.RunTributaryAsync(["scram-credentials", "--bootstrap-server", server.Bootstrap("PLAINTEXT"), "--delete", "nobody"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error 91", missing.StandardError, StringComparison.Ordinal);
    }

    private async Task RunPythonAsync<T>(string client, string bootstrap, string topic, Dictionary<string, T> security)
    {
        var result = await ClientProcess.RunAsync(InteropClients.Python,
            [Path.Combine(InteropPaths.Scripts, "secure_produce_consume.py"), client, bootstrap, topic, "50", JsonSerializer.Serialize(security)], TimeSpan.FromSeconds(150));
        result.EnsureSuccess();
        Assert.Contains("\"event\": \"done\"", result.StandardOutput, StringComparison.Ordinal);
    }
}
