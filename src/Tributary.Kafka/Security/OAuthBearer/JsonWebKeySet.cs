using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tributary.Kafka.Security.OAuthBearer;

/// <summary>
/// The public keys of a JWKS document (RFC 7517: <c>{"keys":[…]}</c>) that can verify JWS signatures (RFC 7518):
/// RSA keys (<c>kty RSA</c>, <c>n</c>, <c>e</c>) for RS256/384/512 and EC keys (<c>kty EC</c>, <c>crv</c> P-256/P-384,
/// <c>x</c>, <c>y</c>) for ES256/384. Keys of other types or with <c>use</c> other than <c>sig</c> are skipped. Immutable
/// and thread-safe: a verification makes its own RSA/ECDsa object from the stored parameters.
/// </summary>
public sealed class JsonWebKeySet
{
    private readonly List<Key> _keys;

    private JsonWebKeySet(List<Key> keys) => _keys = keys;

    private enum KeyType
    {
        Rsa,
        EllipticCurve,
    }

    public int Count => _keys.Count;

    /// <summary>Reads a JWKS file; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static JsonWebKeySet Load(string path) => Parse(File.ReadAllText(path));

    public static JsonWebKeySet Parse(string json)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            throw new FormatException("the JWKS is not JSON: " + e.Message, e);
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("a JWKS is an object with a \"keys\" array");
        }
        var parsed = new List<Key>();
        foreach (var key in keys.EnumerateArray())
        {
            if (key.ValueKind == JsonValueKind.Object && Member(key, "use") is null or "sig" && ParseKey(key) is { } usable)
            {
                parsed.Add(usable);
            }
        }
        if (parsed.Count == 0)
        {
            throw new FormatException("the JWKS has no RSA or EC signature key");
        }
        return new JsonWebKeySet(parsed);
    }

    /// <summary>
    /// Whether a key of the set verifies the token's signature under its <c>alg</c>: the key named by the header's
    /// <c>kid</c> when there is one, otherwise every key of the algorithm's type. Null when it does; otherwise why not.
    /// </summary>
    public string? Verify(JsonWebToken token)
    {
        var algorithm = token.Algorithm;
        var (type, hash) = algorithm switch
        {
            "RS256" => (KeyType.Rsa, HashAlgorithmName.SHA256),
            "RS384" => (KeyType.Rsa, HashAlgorithmName.SHA384),
            "RS512" => (KeyType.Rsa, HashAlgorithmName.SHA512),
            "ES256" => (KeyType.EllipticCurve, HashAlgorithmName.SHA256),
            "ES384" => (KeyType.EllipticCurve, HashAlgorithmName.SHA384),
            _ => (KeyType.Rsa, default(HashAlgorithmName)),
        };
        if (hash == default)
        {
            return $"the JWT algorithm '{algorithm}' is not supported (RS256, RS384, RS512, ES256, ES384)";
        }
        var keyId = token.Header.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String ? kid.GetString() : null;
        var candidates = _keys.Where(k => k.Type == type && (keyId is null || k.Id == keyId)).ToList();
        if (candidates.Count == 0)
        {
            return keyId is null ? $"no {type} key in the JWKS for {algorithm}" : $"no {type} key with kid '{keyId}' in the JWKS";
        }
        foreach (var key in candidates)
        {
            if (key.Verify(token.SigningInput, token.Signature, hash))
            {
                return null;
            }
        }
        return "the JWT signature does not verify";
    }

    private static Key? ParseKey(JsonElement key)
    {
        var id = Member(key, "kid");
        switch (Member(key, "kty"))
        {
            case "RSA" when Member(key, "n") is { } modulus && Member(key, "e") is { } exponent:
                return new Key(KeyType.Rsa, id, new RSAParameters { Modulus = Base64Url.DecodeFromChars(modulus), Exponent = Base64Url.DecodeFromChars(exponent) }, default);
            case "EC" when Member(key, "x") is { } x && Member(key, "y") is { } y:
                var curve = Member(key, "crv") switch
                {
                    "P-256" => ECCurve.NamedCurves.nistP256,
                    "P-384" => ECCurve.NamedCurves.nistP384,
                    var other => throw new FormatException($"EC key '{id}': curve '{other}' is not supported (P-256, P-384)"),
                };
                return new Key(KeyType.EllipticCurve, id, default, new ECParameters { Curve = curve, Q = new ECPoint { X = Base64Url.DecodeFromChars(x), Y = Base64Url.DecodeFromChars(y) } });
            default:
                return null;
        }
    }

    private static string? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record Key(KeyType Type, string? Id, RSAParameters Rsa, ECParameters EllipticCurve)
    {
        public bool Verify(byte[] data, byte[] signature, HashAlgorithmName hash)
        {
            try
            {
                if (Type == KeyType.Rsa)
                {
                    using var rsa = RSA.Create(Rsa);
                    return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
                }
                // JWS carries ECDSA signatures as r || s (IEEE P1363), .NET's default format.
                using var ecdsa = ECDsa.Create(EllipticCurve);
                return ecdsa.VerifyData(data, signature, hash);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }
}
