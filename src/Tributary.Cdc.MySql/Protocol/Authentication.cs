using System.Security.Cryptography;
using System.Text;

namespace Tributary.Cdc.MySql.Protocol;

/// <summary>
/// The scrambles of the two password plugins a binlog client meets (MySQL's client/server protocol, "Authentication
/// Methods"): <c>mysql_native_password</c> = SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw))), and
/// <c>caching_sha2_password</c>'s fast path = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce); its full path
/// without TLS sends the password XOR the nonce, RSA-OAEP encrypted with the server's public key.
/// </summary>
internal static class Authentication
{
    public const string NativePassword = "mysql_native_password";
    public const string CachingSha2Password = "caching_sha2_password";

    public static byte[] Scramble(string plugin, string password, ReadOnlySpan<byte> nonce)
    {
        if (password.Length == 0)
        {
            return [];
        }
        var pw = Encoding.UTF8.GetBytes(password);
        return plugin switch
        {
            NativePassword => NativeScramble(pw, nonce),
            CachingSha2Password => Sha2Scramble(pw, nonce),
            _ => throw new BinlogProtocolException(
                $"The server asks for authentication plugin '{plugin}'; the binlog client supports {NativePassword} and {CachingSha2Password}."),
        };
    }

    private static byte[] NativeScramble(byte[] password, ReadOnlySpan<byte> nonce)
    {
        var stage1 = SHA1.HashData(password);
        var stage2 = SHA1.HashData(stage1);
        var mix = SHA1.HashData([.. nonce[..20], .. stage2]);
        for (var i = 0; i < mix.Length; i++)
        {
            mix[i] ^= stage1[i];
        }
        return mix;
    }

    private static byte[] Sha2Scramble(byte[] password, ReadOnlySpan<byte> nonce)
    {
        var p1 = SHA256.HashData(password);
        var p2 = SHA256.HashData(p1);
        var mix = SHA256.HashData([.. p2, .. nonce[..20]]);
        for (var i = 0; i < mix.Length; i++)
        {
            mix[i] ^= p1[i];
        }
        return mix;
    }

    /// <summary>caching_sha2_password full authentication over a plain connection.</summary>
    public static byte[] EncryptWithPublicKey(string password, ReadOnlySpan<byte> nonce, string publicKeyPem)
    {
        var plain = Encoding.UTF8.GetBytes(password + "\0");
        for (var i = 0; i < plain.Length; i++)
        {
            plain[i] ^= nonce[i % 20];
        }
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return rsa.Encrypt(plain, RSAEncryptionPadding.OaepSHA1);
    }
}
