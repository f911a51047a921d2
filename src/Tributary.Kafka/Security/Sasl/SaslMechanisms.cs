namespace Tributary.Kafka.Security.Sasl;

/// <summary>The SASL mechanisms this broker implements, by their IANA names as clients send them in SaslHandshake.</summary>
public static class SaslMechanisms
{
    public const string Plain = "PLAIN";
    public const string ScramSha256 = "SCRAM-SHA-256";
    public const string ScramSha512 = "SCRAM-SHA-512";
    public const string OAuthBearer = "OAUTHBEARER";
    public const string AwsMskIam = "AWS_MSK_IAM";

    public static IReadOnlyList<string> Implemented { get; } = [Plain, ScramSha256, ScramSha512, OAuthBearer, AwsMskIam];

    /// <summary>Enabled when nothing is configured: the ones that need no validator or key table.</summary>
    public static IReadOnlyList<string> Default { get; } = [Plain, ScramSha256, ScramSha512];
}

/// <summary>What one step of a SASL exchange produced.</summary>
public enum SaslStepKind
{
    /// <summary>The exchange goes on: send <see cref="SaslStep.Token"/> and wait for the client's next token.</summary>
    Challenge,

    /// <summary>The client is authenticated as <see cref="SaslStep.Principal"/>; send the final token.</summary>
    Complete,

    /// <summary>Authentication failed; <see cref="SaslStep.Error"/> says why, in words safe to show the client.</summary>
    Failed,
}

/// <summary>One step's outcome. Tokens are owned by the receiver.</summary>
public readonly record struct SaslStep(SaslStepKind Kind, byte[] Token, string? Principal, string? Error)
{
    public static SaslStep Challenge(byte[] token) => new(SaslStepKind.Challenge, token, null, null);

    public static SaslStep Complete(byte[] token, string principal) => new(SaslStepKind.Complete, token, principal, null);

    public static SaslStep Fail(string error) => new(SaslStepKind.Failed, [], null, error);
}

/// <summary>
/// The server side of one SASL exchange of one mechanism (one instance per authentication; not thread-safe, called
/// by its connection's reader only). Malformed client tokens are failures, never exceptions.
/// </summary>
public interface ISaslServer
{
    string Mechanism { get; }

    SaslStep Evaluate(ReadOnlySpan<byte> clientToken);
}
