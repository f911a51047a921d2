namespace Tributary.Interop.Tests.Security;

/// <summary>
/// <see cref="SecuredServer"/> with ACLs enforced: super users are alice and User:ANONYMOUS (the loopback PLAINTEXT
/// listener, through which `tributary scram-credentials` adds the users), no access where no ACL says so; user
/// <see cref="OtherUser"/> starts with no ACLs.
/// </summary>
public sealed class AuthorizingServer : SecuredServer
{
    public const string OtherUser = "bob";
    public const string OtherPassword = "bob-secret";

    public AuthorizingServer()
        : base(["kafka.authorizer.enable=true", $"super.users=User:ANONYMOUS;User:{User}", "allow.everyone.if.no.acl.found=false"])
    {
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (await RunTributaryAsync(["scram-credentials", "--bootstrap-server", Bootstrap("PLAINTEXT"), "--add", OtherUser, "--password", OtherPassword])).EnsureSuccess();
    }
}
