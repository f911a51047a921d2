using System.Security.Cryptography;
using System.Text;

namespace Tributary.Kafka.Security.Sasl;

/// <summary>
/// SCRAM's arithmetic (RFC 5802 §3, RFC 7677) for one hash: Hi is PBKDF2 with the HMAC of that hash and an output as long
/// as the hash, and the keys derived from the salted password. Like Kafka, the password is used as UTF-8 without
/// SASLprep. Stateless and thread-safe.
/// </summary>
public sealed class ScramFormatter
{
    /// <summary>Kafka's limits for both SCRAM mechanisms (ScramMechanism.java): stored credentials outside are refused.</summary>
    public const int MinIterations = 4096;
    public const int MaxIterations = 16384;

    public static ScramFormatter Sha256 { get; } = new(SaslMechanisms.ScramSha256, HashAlgorithmName.SHA256, 32, 1);

    public static ScramFormatter Sha512 { get; } = new(SaslMechanisms.ScramSha512, HashAlgorithmName.SHA512, 64, 2);

    private ScramFormatter(string mechanism, HashAlgorithmName hash, int hashBytes, sbyte typeId)
    {
        Mechanism = mechanism;
        Hash = hash;
        HashBytes = hashBytes;
        TypeId = typeId;
    }

    public string Mechanism { get; }

    public HashAlgorithmName Hash { get; }

    public int HashBytes { get; }

    /// <summary>KIP-554's mechanism byte: 1 SCRAM-SHA-256, 2 SCRAM-SHA-512.</summary>
    public sbyte TypeId { get; }

    public static ScramFormatter? ForMechanism(string mechanism) => mechanism switch
    {
        SaslMechanisms.ScramSha256 => Sha256,
        SaslMechanisms.ScramSha512 => Sha512,
        _ => null,
    };

    public static ScramFormatter? ForTypeId(sbyte typeId) => typeId switch
    {
        1 => Sha256,
        2 => Sha512,
        _ => null,
    };

    public byte[] SaltedPassword(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, Hash, HashBytes);

    public byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) => Hash.Name switch
    {
        "SHA256" => HMACSHA256.HashData(key, data),
        _ => HMACSHA512.HashData(key, data),
    };

    public byte[] Digest(ReadOnlySpan<byte> data) => Hash.Name switch
    {
        "SHA256" => SHA256.HashData(data),
        _ => SHA512.HashData(data),
    };

    public byte[] ClientKey(byte[] saltedPassword) => Hmac(saltedPassword, "Client Key"u8);

    public byte[] ServerKey(byte[] saltedPassword) => Hmac(saltedPassword, "Server Key"u8);

    public byte[] StoredKey(byte[] clientKey) => Digest(clientKey);

    /// <summary>The credential a server keeps for a salted password: no password, nothing a client could replay.</summary>
    public ScramCredential Credential(byte[] salt, byte[] saltedPassword, int iterations) =>
        new(salt, StoredKey(ClientKey(saltedPassword)), ServerKey(saltedPassword), iterations);
}

/// <summary>What the broker stores per user and mechanism (Kafka's salt, stored_key, server_key, iterations).</summary>
public sealed record ScramCredential(byte[] Salt, byte[] StoredKey, byte[] ServerKey, int Iterations);
