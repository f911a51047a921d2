using System.Security.Cryptography;
using System.Text;

namespace Tributary.Client.Security.Sasl;

/// <summary>
/// SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's ScramSaslClient speaks it: gs2 header <c>n,,</c> (no
/// channel binding, no authorization id), the user name escaped (<c>=</c> as <c>=3D</c>, <c>,</c> as <c>=2C</c>), the
/// password as UTF-8 without SASLprep, a random 32-byte nonce; the server's nonce must extend ours, its iteration count
/// must be at least 4096 (Kafka's minimum), and its final signature must verify — a server that cannot prove it knows
/// the credential is refused. Immutable.
/// </summary>
public sealed class ScramSaslClient : ISaslClientMechanism
{
    private const int MinIterations = 4096;
    private readonly string _username;
    private readonly string _password;
    private readonly HashAlgorithmName _hash;

    public ScramSaslClient(string mechanism, string username, string password)
    {
        _hash = mechanism switch
        {
            "SCRAM-SHA-256" => HashAlgorithmName.SHA256,
            "SCRAM-SHA-512" => HashAlgorithmName.SHA512,
            _ => throw new ArgumentException($"Not a SCRAM mechanism: {mechanism}", nameof(mechanism)),
        };
        Name = mechanism;
        _username = username;
        _password = password;
    }

    public string Name { get; }

    public ISaslClientExchange Start(string host) => new Exchange(this, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>An exchange with a fixed client nonce (RFC 7677's test vector uses one).</summary>
    public ISaslClientExchange StartWithNonce(string clientNonce) => new Exchange(this, clientNonce);

    public override string ToString() => $"{Name} as {_username} (password hidden)";

    private sealed class Exchange(ScramSaslClient owner, string clientNonce) : ISaslClientExchange
    {
        private int _step;
        private string _clientFirstBare = "";
        private byte[] _serverSignature = [];

        public byte[]? Next(byte[]? serverToken)
        {
            switch (_step++)
            {
                case 0:
                    _clientFirstBare = $"n={owner._username.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={clientNonce}";
                    return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
                case 1:
                    return ClientFinal(Encoding.UTF8.GetString(serverToken ?? []));
                case 2:
                    VerifyServerFinal(Encoding.UTF8.GetString(serverToken ?? []));
                    return null;
                default:
                    return null;
            }
        }

        private byte[] ClientFinal(string serverFirst)
        {
            var fields = Fields(serverFirst);
            if (!fields.TryGetValue('r', out var nonce) || !fields.TryGetValue('s', out var saltText) || !fields.TryGetValue('i', out var iterationsText))
            {
                throw Refused($"the server's first message is malformed: '{serverFirst}'");
            }
            if (!nonce.StartsWith(clientNonce, StringComparison.Ordinal) || nonce.Length == clientNonce.Length)
            {
                throw Refused("the server's nonce does not extend the client's");
            }
            if (!int.TryParse(iterationsText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations < MinIterations)
            {
                throw Refused($"the server asked for {iterationsText} iterations, fewer than {MinIterations}");
            }
            byte[] salt;
            try
            {
                salt = Convert.FromBase64String(saltText);
            }
            catch (FormatException)
            {
                throw Refused("the server's salt is not base64");
            }
            var hashBytes = owner._hash == HashAlgorithmName.SHA256 ? 32 : 64;
            var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(owner._password), salt, iterations, owner._hash, hashBytes);
            var clientKey = Hmac(saltedPassword, "Client Key"u8.ToArray());
            var storedKey = owner._hash == HashAlgorithmName.SHA256 ? SHA256.HashData(clientKey) : SHA512.HashData(clientKey);
            var withoutProof = "c=biws,r=" + nonce;
            var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
            var clientSignature = Hmac(storedKey, authMessage);
            var proof = new byte[clientKey.Length];
            for (var i = 0; i < proof.Length; i++)
            {
                proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
            }
            _serverSignature = Hmac(Hmac(saltedPassword, "Server Key"u8.ToArray()), authMessage);
            return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(proof));
        }

        private void VerifyServerFinal(string serverFinal)
        {
            var fields = Fields(serverFinal);
            if (fields.TryGetValue('e', out var error))
            {
                throw Refused($"the server refused: {error}");
            }
            if (!fields.TryGetValue('v', out var verifier) || !CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(verifier), _serverSignature))
            {
                throw Refused("the server's signature does not verify (it does not know this user's credential)");
            }
        }

        private byte[] Hmac(byte[] key, byte[] data) => owner._hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data);

        private KafkaClientException Refused(string reason) => new(58, $"{owner.Name} authentication failed: {reason}", authentication: true);

        private static Dictionary<char, string> Fields(string message)
        {
            var fields = new Dictionary<char, string>();
            foreach (var part in message.Split(','))
            {
                if (part.Length >= 2 && part[1] == '=')
                {
                    fields.TryAdd(part[0], part[2..]);
                }
            }
            return fields;
        }
    }
}
