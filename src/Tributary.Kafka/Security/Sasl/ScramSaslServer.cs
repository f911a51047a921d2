using System.Security.Cryptography;
using System.Text;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka speaks it: two round trips, no channel binding
/// (gs2 header <c>n</c> only), an authorization id that must equal the user, extensions accepted and ignored.
/// client-first → server-first (<c>r=cnonce+snonce,s=salt,i=iterations</c>); client-final (<c>c=biws,r=nonce,p=proof</c>)
/// → server-final (<c>v=ServerSignature</c>). An unknown user fails at the first message, a wrong proof at the second, both
/// with the same message so that neither tells which users exist. One instance per exchange; not thread-safe.
/// </summary>
public sealed class ScramSaslServer(ScramFormatter formatter, ScramCredentialStore credentials) : ISaslServer
{
    private const int ServerNonceBytes = 24;

    private enum Stage
    {
        ClientFirst,
        ClientFinal,
        Done,
    }

    private Stage _stage;
    private string _user = "";
    private string _gs2Header = "";
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private ScramCredential? _credential;

    public string Mechanism => formatter.Mechanism;

    private string InvalidCredentials => "Authentication failed during authentication due to invalid credentials with SASL mechanism " + formatter.Mechanism;

    public SaslStep Evaluate(ReadOnlySpan<byte> clientToken)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(clientToken);
        }
        catch (DecoderFallbackException)
        {
            return Fail("Invalid SCRAM message: not UTF-8");
        }
        return _stage switch
        {
            Stage.ClientFirst => ClientFirst(text),
            Stage.ClientFinal => ClientFinal(text),
            _ => Fail("Unexpected SCRAM message after the exchange completed"),
        };
    }

    private SaslStep ClientFirst(string message)
    {
        // gs2-header: "n," [ "a=" authzid ] "," ; then client-first-bare: "n=" saslname ",r=" nonce [ "," extensions ].
        if (!message.StartsWith("n,", StringComparison.Ordinal))
        {
            return Fail(message.StartsWith("p=", StringComparison.Ordinal) || message.StartsWith("y,", StringComparison.Ordinal)
                ? "Invalid SCRAM client first message: channel binding is not supported"
                : "Invalid SCRAM client first message format");
        }
        var headerEnd = message.IndexOf(',', 2);
        if (headerEnd < 0)
        {
            return Fail("Invalid SCRAM client first message format");
        }
        var authorization = message[2..headerEnd];
        if (authorization.Length > 0 && !authorization.StartsWith("a=", StringComparison.Ordinal))
        {
            return Fail("Invalid SCRAM client first message format");
        }
        _gs2Header = message[..(headerEnd + 1)];
        _clientFirstBare = message[(headerEnd + 1)..];
        var attributes = _clientFirstBare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal) || attributes[1].Length == 2)
        {
            return Fail("Invalid SCRAM client first message format");
        }
        var user = UnescapeName(attributes[0][2..]);
        if (user is null || user.Length == 0)
        {
            return Fail("Invalid SCRAM client first message: bad user name");
        }
        if (authorization.Length > 0 && UnescapeName(authorization[2..]) != user)
        {
            return Fail("Authentication failed: Client requested an authorization id that is different from username");
        }
        var clientNonce = attributes[1][2..];
        if (!IsPrintable(clientNonce))
        {
            return Fail("Invalid SCRAM client first message: bad nonce");
        }
        _user = user;
        _credential = credentials.Find(user, formatter.Mechanism);
        if (_credential is null || _credential.Iterations < ScramFormatter.MinIterations)
        {
            return Fail(InvalidCredentials);
        }
        // Base64 of random bytes has no ',' and is printable, as the nonce grammar requires.
        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(ServerNonceBytes));
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}";
        _stage = Stage.ClientFinal;
        return SaslStep.Challenge(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslStep ClientFinal(string message)
    {
        // "c=" b64(gs2-header) ",r=" nonce [ "," extensions ] ",p=" b64(proof)
        var proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (!message.StartsWith("c=", StringComparison.Ordinal) || proofAt < 0)
        {
            return Fail("Invalid SCRAM client final message format");
        }
        var withoutProof = message[..proofAt];
        var attributes = withoutProof.Split(',');
        if (attributes.Length < 2 || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
        {
            return Fail("Invalid SCRAM client final message format");
        }
        byte[] channelBinding;
        byte[] proof;
        try
        {
            channelBinding = Convert.FromBase64String(attributes[0][2..]);
            proof = Convert.FromBase64String(message[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            return Fail("Invalid SCRAM client final message: bad base64");
        }
        if (Encoding.UTF8.GetString(channelBinding) != _gs2Header)
        {
            return Fail("Invalid SCRAM client final message: channel binding does not match the first message");
        }
        // Kafka accepts a nonce that ends with the server-first nonce (ScramSaslServer), and librdkafka 2.0.2 relies on it:
        // it sends its client nonce followed by the whole server-first nonce. The proof covers the message as sent.
        if (!attributes[1][2..].EndsWith(_nonce, StringComparison.Ordinal))
        {
            return Fail("Invalid SCRAM client final message: nonce does not match");
        }
        var credential = _credential!;
        if (proof.Length != formatter.HashBytes)
        {
            return Fail(InvalidCredentials);
        }
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + _serverFirst + "," + withoutProof);
        var clientSignature = formatter.Hmac(credential.StoredKey, authMessage);
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        if (!CryptographicOperations.FixedTimeEquals(formatter.Digest(clientKey), credential.StoredKey))
        {
            return Fail(InvalidCredentials);
        }
        _stage = Stage.Done;
        var serverSignature = formatter.Hmac(credential.ServerKey, authMessage);
        return SaslStep.Complete(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)), "User:" + _user);
    }

    private SaslStep Fail(string error)
    {
        _stage = Stage.Done;
        return SaslStep.Fail(error);
    }

    /// <summary>RFC 5802 saslname: ',' is written =2C and '=' is written =3D; any other '=' is malformed (null).</summary>
    private static string? UnescapeName(string name)
    {
        if (!name.Contains('=', StringComparison.Ordinal))
        {
            return name;
        }
        var result = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '=')
            {
                result.Append(name[i]);
                continue;
            }
            var escape = i + 3 <= name.Length ? name.Substring(i, 3) : "";
            if (escape == "=2C")
            {
                result.Append(',');
            }
            else if (escape == "=3D")
            {
                result.Append('=');
            }
            else
            {
                return null;
            }
            i += 2;
        }
        return result.ToString();
    }

    private static bool IsPrintable(string nonce)
    {
        foreach (var c in nonce)
        {
            if (c < 0x21 || c > 0x7e || c == ',')
            {
                return false;
            }
        }
        return true;
    }
}
