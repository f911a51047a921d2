using System.Security.Cryptography;
using System.Text;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// PLAIN (RFC 4616): one token <c>authzid NUL authcid NUL passwd</c>, refused as Kafka's PlainSaslServer refuses it (not
/// three parts, an empty user or password, an authzid other than the user). The password is checked against the user's
/// SCRAM credential (the strongest mechanism stored): the broker keeps no passwords, so PLAIN users are the SCRAM users,
/// as in Redpanda. Use it only over TLS: the password crosses the wire as it is.
/// </summary>
public sealed class PlainSaslServer(ScramCredentialStore credentials) : ISaslServer
{
    private const string InvalidCredentials = "Authentication failed: Invalid username or password";

    public string Mechanism => SaslMechanisms.Plain;

    public SaslStep Evaluate(ReadOnlySpan<byte> clientToken)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(clientToken);
        }
        catch (DecoderFallbackException)
        {
            return SaslStep.Fail("Invalid SASL/PLAIN response: not UTF-8");
        }
        var parts = text.Split('\0');
        if (parts.Length != 3)
        {
            return SaslStep.Fail("Invalid SASL/PLAIN response: expected 3 tokens, got " + parts.Length);
        }
        var (authorizationId, user, password) = (parts[0], parts[1], parts[2]);
        if (user.Length == 0)
        {
            return SaslStep.Fail("Authentication failed: username not specified");
        }
        if (password.Length == 0)
        {
            return SaslStep.Fail("Authentication failed: password not specified");
        }
        if (authorizationId.Length != 0 && authorizationId != user)
        {
            return SaslStep.Fail("Authentication failed: Client requested an authorization id that is different from username");
        }
        return Verify(user, password) ? SaslStep.Complete([], "User:" + user) : SaslStep.Fail(InvalidCredentials);
    }

    private bool Verify(string user, string password)
    {
        foreach (var formatter in new[] { ScramFormatter.Sha512, ScramFormatter.Sha256 })
        {
            if (credentials.Find(user, formatter.Mechanism) is { } credential)
            {
                var salted = formatter.SaltedPassword(password, credential.Salt, credential.Iterations);
                var storedKey = formatter.StoredKey(formatter.ClientKey(salted));
                return CryptographicOperations.FixedTimeEquals(storedKey, credential.StoredKey);
            }
        }
        return false;
    }
}
