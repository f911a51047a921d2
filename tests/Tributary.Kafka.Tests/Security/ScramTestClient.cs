using System.Security.Cryptography;
using System.Text;
using Tributary.Kafka.Security.Sasl;

namespace Tributary.Kafka.Tests.Security;

/// <summary>
/// The client side of SCRAM for raw protocol tests (RFC 5802 §3, written from the RFC): builds client-first and
/// client-final and checks the server signature. The real clients' interop tests check the server against
/// independent implementations; this one lets a test send exactly the bytes it wants, wrong ones included.
/// </summary>
internal sealed class ScramTestClient(ScramFormatter formatter, string user, string password)
{
    private readonly string _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string _clientFirstBare = "";
    private byte[] _expectedServerSignature = [];

    public byte[] ClientFirst()
    {
        _clientFirstBare = $"n={user.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={_clientNonce}";
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    public byte[] ClientFinal(byte[] serverFirstBytes)
    {
        var serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
        var fields = serverFirst.Split(',').ToDictionary(f => f[..1], f => f[2..]);
        Assert.StartsWith(_clientNonce, fields["r"], StringComparison.Ordinal);
        var salted = formatter.SaltedPassword(password, Convert.FromBase64String(fields["s"]), int.Parse(fields["i"], System.Globalization.CultureInfo.InvariantCulture));
        var clientKey = formatter.ClientKey(salted);
        var withoutProof = $"c=biws,r={fields["r"]}";
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
        var signature = formatter.Hmac(formatter.StoredKey(clientKey), authMessage);
        var proof = clientKey.Select((b, i) => (byte)(b ^ signature[i])).ToArray();
        _expectedServerSignature = formatter.Hmac(formatter.ServerKey(salted), authMessage);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    public void VerifyServerFinal(byte[] serverFinal) =>
        Assert.Equal("v=" + Convert.ToBase64String(_expectedServerSignature), Encoding.UTF8.GetString(serverFinal));

    /// <summary>The credential a user with this password gets (what AlterUserScramCredentials would store).</summary>
    public static ScramCredential Credential(ScramFormatter formatter, string password, int iterations = 4096)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return formatter.Credential(salt, formatter.SaltedPassword(password, salt, iterations), iterations);
    }
}
