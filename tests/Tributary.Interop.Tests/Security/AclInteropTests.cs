namespace Tributary.Interop.Tests.Security;

/// <summary>
/// ACLs with real clients as separate processes (docs/security.md): kafkajs's admin API creates, describes and deletes
/// ACLs, and another user's produce and consume are refused or served as they say; kcat (librdkafka) as a user without
/// ACLs is refused with TOPIC_AUTHORIZATION_FAILED while the super user reads the same topic. (confluent-kafka 1.7 has
/// no ACL admin API — it came in 1.9 — and kcat has none, so kafkajs is the admin client here.)
/// </summary>
[Trait("Category", "process")]
public sealed class AclInteropTests(AuthorizingServer server) : IClassFixture<AuthorizingServer>
{
    [Fact]
    public async Task Kafkajs_manages_acls_and_they_govern_another_users_produce_and_consume()
    {
        InteropClients.RequireKafkaJs();
        var result = await ClientProcess.RunAsync(InteropClients.Node,
            [Path.Combine(InteropPaths.NodeScripts, "kafkajs_acls.mjs"), server.Bootstrap("SASL_PLAINTEXT"), SecuredServer.User, SecuredServer.Password, AuthorizingServer.OtherUser, AuthorizingServer.OtherPassword, "acl-orders"],
            TimeSpan.FromSeconds(120), workingDirectory: InteropPaths.NodeScripts);
        result.EnsureSuccess();
        Assert.Contains("\"event\":\"done\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2:acl-orders:4:User:bob:3:3", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kcat_as_a_user_without_acls_is_refused_and_the_super_user_is_not()
    {
        InteropClients.RequireKcat();
        var input = Path.Combine(server.TlsDirectory, "acl-kcat.txt");
        await File.WriteAllLinesAsync(input, ["one", "two"]);
        string[] Security(string user, string password) =>
            ["-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=" + user, "-X", "sasl.password=" + password];
        (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_PLAINTEXT"), .. Security(SecuredServer.User, SecuredServer.Password), "-P", "-t", "acl-kcat"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();

        var produce = await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_PLAINTEXT"), .. Security(AuthorizingServer.OtherUser, AuthorizingServer.OtherPassword), "-P", "-t", "acl-kcat"], TimeSpan.FromSeconds(60), stdinFile: input);
        Assert.True(produce.ExitCode != 0, "bob produced without an ACL:\n" + produce);
        Assert.Contains("authorization failed", produce.StandardError, StringComparison.OrdinalIgnoreCase);
        var consume = await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_PLAINTEXT"), .. Security(AuthorizingServer.OtherUser, AuthorizingServer.OtherPassword), "-C", "-t", "acl-kcat", "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(60));
        Assert.True(consume.ExitCode != 0 || consume.StandardOutput.Length == 0, "bob consumed without an ACL:\n" + consume);
        Assert.Contains("authorization failed", consume.StandardError, StringComparison.OrdinalIgnoreCase);

        var read = (await ClientProcess.RunAsync("kcat", ["-b", server.Bootstrap("SASL_PLAINTEXT"), .. Security(SecuredServer.User, SecuredServer.Password), "-C", "-t", "acl-kcat", "-o", "beginning", "-e", "-q"], TimeSpan.FromSeconds(60))).EnsureSuccess();
        Assert.Equal(["one", "two"], read.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
