using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tributary.Client.Security.Sasl;

namespace Tributary.Client.Security;

/// <summary>
/// Reads the Java client's security properties, as Kafka and Connect users write them, into a
/// <see cref="ClientSecurity"/>:
/// <list type="bullet">
/// <item><c>security.protocol</c>: PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL.</item>
/// <item>Trust: <c>ssl.truststore.type</c> PEM (<c>ssl.truststore.location</c> a file of CA certificates, or
/// <c>ssl.truststore.certificates</c> the PEM text) or PKCS12 (<c>.location</c>, <c>.password</c>); unset, the file's
/// content decides (PEM text or PKCS#12). JKS cannot be read here (convert it with keytool to PKCS12). No trust store:
/// the system's roots. <c>ssl.endpoint.identification.algorithm</c>: <c>https</c> (default) checks the broker's name,
/// empty does not.</item>
/// <item>Client certificate (mTLS): <c>ssl.keystore.type</c> PEM (<c>ssl.keystore.location</c> a file with the
/// certificate chain and key, or <c>ssl.keystore.certificate.chain</c> + <c>ssl.keystore.key</c> as text;
/// <c>ssl.key.password</c> for an encrypted key) or PKCS12 (<c>.location</c>, <c>ssl.keystore.password</c>).</item>
/// <item><c>sasl.mechanism</c> (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM; Kafka's default GSSAPI
/// is not available) with <c>sasl.jaas.config</c>: PlainLoginModule / ScramLoginModule with username and password;
/// OAuthBearerLoginModule with <c>unsecuredLoginStringClaim_sub</c> (Kafka's unsecured development tokens), or with
/// <c>sasl.login.callback.handler.class=software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler</c> for MSK IAM
/// tokens; <c>software.amazon.msk.auth.iam.IAMLoginModule</c> for AWS_MSK_IAM (with
/// <c>sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler</c>; the option
/// <c>awsProfileName</c> picks a profile; credentials from the standard chain).</item>
/// </list>
/// A wrong value is a <see cref="ClientConfigException"/> naming the key, whose message says what is
/// wrong and never repeats a secret. Other keys are ignored. Stateless.
/// </summary>
public static class ClientSecurityProperties
{
    public const string SecurityProtocolKey = "security.protocol";
    public const string SaslMechanismKey = "sasl.mechanism";
    public const string SaslJaasConfigKey = "sasl.jaas.config";
    public const string SaslClientCallbackHandlerKey = "sasl.client.callback.handler.class";
    public const string SaslLoginCallbackHandlerKey = "sasl.login.callback.handler.class";
    private const string IamLoginModule = "software.amazon.msk.auth.iam.IAMLoginModule";
    private const string IamClientCallbackHandler = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";
    private const string IamOAuthBearerHandler = "software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler";

    /// <summary>Whether a key is one of the security keys this class reads (or their families: security.*, ssl.*, sasl.*).</summary>
    public static bool IsSecurityKey(string key) =>
        key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("ssl.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal);

    /// <summary>The security keys of a property map, for comparing two clients' settings.</summary>
    public static SortedDictionary<string, string> SecurityKeysOf(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var keys = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            if (IsSecurityKey(key))
            {
                keys[key] = value;
            }
        }
        return keys;
    }

    public static ClientSecurity From(IReadOnlyDictionary<string, string> properties)
    {
        string? Get(string key) => properties.TryGetValue(key, out var value) ? value.Trim() : null;
        var protocolText = Get(SecurityProtocolKey) ?? "PLAINTEXT";
        var protocol = protocolText.ToUpperInvariant() switch
        {
            "PLAINTEXT" => SecurityProtocol.Plaintext,
            "SSL" => SecurityProtocol.Ssl,
            "SASL_PLAINTEXT" => SecurityProtocol.SaslPlaintext,
            "SASL_SSL" => SecurityProtocol.SaslSsl,
            _ => throw Invalid(SecurityProtocolKey, $"'{protocolText}' is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
        };
        return new ClientSecurity
        {
            Protocol = protocol,
            Settings = SecurityKeysOf(properties),
            Tls = protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl ? Tls(Get) : null,
            Sasl = protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl ? Sasl(Get) : null,
        };
    }

    private static ClientTls Tls(Func<string, string?> get)
    {
        var identification = get("ssl.endpoint.identification.algorithm") ?? "https";
        if (identification.Length > 0 && !identification.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("ssl.endpoint.identification.algorithm", $"'{identification}' is not 'https' or empty");
        }
        return new ClientTls(TrustStore(get), identification.Length > 0, KeyStore(get));
    }

    private static X509Certificate2Collection? TrustStore(Func<string, string?> get)
    {
        var type = get("ssl.truststore.type")?.ToUpperInvariant();
        var location = get("ssl.truststore.location");
        if (get("ssl.truststore.certificates") is { Length: > 0 } inline)
        {
            return Pem("ssl.truststore.certificates", inline);
        }
        if (location is null or "")
        {
            return null;
        }
        var bytes = Read("ssl.truststore.location", location);
        type ??= LooksLikePem(bytes) ? "PEM" : "PKCS12";
        switch (type)
        {
            case "PEM":
                return Pem("ssl.truststore.location", System.Text.Encoding.UTF8.GetString(bytes));
            case "PKCS12":
                try
                {
                    return X509CertificateLoader.LoadPkcs12Collection(bytes, get("ssl.truststore.password"));
                }
                catch (CryptographicException e)
                {
                    throw Invalid("ssl.truststore.location", $"{location} is not a PKCS#12 file this password opens: {e.Message}");
                }
            default:
                throw Invalid("ssl.truststore.type", $"{type} trust stores cannot be read here: use PEM or PKCS12 (keytool -importkeystore -deststoretype PKCS12 converts a JKS file)");
        }
    }

    private static X509Certificate2? KeyStore(Func<string, string?> get)
    {
        var type = get("ssl.keystore.type")?.ToUpperInvariant();
        var keyPassword = get("ssl.key.password");
        X509Certificate2 certificate;
        if (get("ssl.keystore.certificate.chain") is { Length: > 0 } chain)
        {
            var key = get("ssl.keystore.key") ?? throw Invalid("ssl.keystore.key", "ssl.keystore.certificate.chain needs the private key in ssl.keystore.key");
            certificate = PemCertificate("ssl.keystore.key", chain, key, keyPassword);
        }
        else if (get("ssl.keystore.location") is { Length: > 0 } location)
        {
            var bytes = Read("ssl.keystore.location", location);
            type ??= LooksLikePem(bytes) ? "PEM" : "PKCS12";
            if (type == "PEM")
            {
                var text = System.Text.Encoding.UTF8.GetString(bytes);
                certificate = PemCertificate("ssl.keystore.location", text, text, keyPassword);
            }
            else if (type == "PKCS12")
            {
                try
                {
                    certificate = X509CertificateLoader.LoadPkcs12(bytes, get("ssl.keystore.password"), X509KeyStorageFlags.Exportable);
                }
                catch (CryptographicException e)
                {
                    throw Invalid("ssl.keystore.location", $"{location} is not a PKCS#12 file this password opens: {e.Message}");
                }
            }
            else
            {
                throw Invalid("ssl.keystore.type", $"{type} key stores cannot be read here: use PEM or PKCS12 (keytool -importkeystore -deststoretype PKCS12 converts a JKS file)");
            }
        }
        else
        {
            return null;
        }
        if (!certificate.HasPrivateKey)
        {
            throw Invalid("ssl.keystore.location", "the client certificate has no private key");
        }
        return certificate;
    }

    /// <summary>A certificate with its key from PEM text; re-imported through PKCS#12 so TLS can use the key on every platform.</summary>
    private static X509Certificate2 PemCertificate(string key, string certificates, string privateKey, string? password)
    {
        try
        {
            using var fromPem = password is { Length: > 0 } ? X509Certificate2.CreateFromEncryptedPem(certificates, privateKey, password) : X509Certificate2.CreateFromPem(certificates, privateKey);
            return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException e)
        {
            throw Invalid(key, $"no PEM certificate with a private key{(password is null ? "" : " this ssl.key.password opens")} could be read: {e.Message}");
        }
    }

    private static X509Certificate2Collection Pem(string key, string text)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw Invalid(key, "not PEM certificates: " + e.Message);
        }
        if (collection.Count == 0)
        {
            throw Invalid(key, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return collection;
    }

    private static byte[] Read(string key, string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(key, $"cannot read {path}: {e.Message}");
        }
    }

    private static bool LooksLikePem(byte[] bytes) => System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN ", StringComparison.Ordinal);

    private static ISaslClientMechanism Sasl(Func<string, string?> get)
    {
        var mechanism = get(SaslMechanismKey) ?? "GSSAPI";
        if (mechanism == "GSSAPI")
        {
            throw Invalid(SaslMechanismKey, "GSSAPI (Kerberos, Kafka's default) is not supported here: set sasl.mechanism to PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM");
        }
        var jaasText = get(SaslJaasConfigKey);
        if (jaasText is null or "")
        {
            throw Invalid(SaslJaasConfigKey, $"{mechanism} needs sasl.jaas.config (a JAAS file named by java.security.auth.login.config is not read)");
        }
        JaasConfig jaas;
        try
        {
            jaas = JaasConfig.Parse(jaasText);
        }
        catch (ArgumentException e)
        {
            throw Invalid(SaslJaasConfigKey, e.Message);
        }
        switch (mechanism)
        {
            case "PLAIN":
                RequireModule(jaas, "org.apache.kafka.common.security.plain.PlainLoginModule", mechanism);
                return new PlainSaslClient(Option(jaas, "username"), Option(jaas, "password"));
            case "SCRAM-SHA-256" or "SCRAM-SHA-512":
                RequireModule(jaas, "org.apache.kafka.common.security.scram.ScramLoginModule", mechanism);
                return new ScramSaslClient(mechanism, Option(jaas, "username"), Option(jaas, "password"));
            case "OAUTHBEARER":
                RequireModule(jaas, "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule", mechanism);
                if (get(SaslLoginCallbackHandlerKey) is { Length: > 0 } handler)
                {
                    if (handler != IamOAuthBearerHandler)
                    {
                        throw Invalid(SaslLoginCallbackHandlerKey, $"{handler} is not available here; OAUTHBEARER takes {IamOAuthBearerHandler} (MSK IAM tokens) or, with none, unsecuredLoginStringClaim_sub");
                    }
                    return OAuthBearerSaslClient.MskIam(jaas.Options.GetValueOrDefault("awsProfileName"));
                }
                return OAuthBearerSaslClient.Unsecured(Option(jaas, "unsecuredLoginStringClaim_sub"), ListClaim(jaas.Options.GetValueOrDefault("unsecuredLoginListClaim_scope")),
                    TimeSpan.FromSeconds(int.TryParse(jaas.Options.GetValueOrDefault("unsecuredLoginLifetimeSeconds"), out var lifetime) && lifetime > 0 ? lifetime : 3600));
            case "AWS_MSK_IAM":
                RequireModule(jaas, IamLoginModule, mechanism);
                if (get(SaslClientCallbackHandlerKey) is { Length: > 0 } callback && callback != IamClientCallbackHandler)
                {
                    throw Invalid(SaslClientCallbackHandlerKey, $"AWS_MSK_IAM takes {IamClientCallbackHandler}, not {callback}");
                }
                if (jaas.Options.ContainsKey("awsRoleArn"))
                {
                    throw Invalid(SaslJaasConfigKey, "awsRoleArn needs AWS STS, which this client does not call: put the role's credentials in the environment or a profile (awsProfileName)");
                }
                return new AwsMskIamSaslClient(jaas.Options.GetValueOrDefault("awsProfileName"));
            default:
                throw Invalid(SaslMechanismKey, $"'{mechanism}' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM");
        }
    }

    private static void RequireModule(JaasConfig jaas, string expected, string mechanism)
    {
        if (jaas.LoginModule != expected)
        {
            throw Invalid(SaslJaasConfigKey, $"{mechanism} takes the login module {expected}, not {jaas.LoginModule}");
        }
    }

    private static string Option(JaasConfig jaas, string name) =>
        jaas.Options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw Invalid(SaslJaasConfigKey, $"{jaas.LoginModule} needs the option {name}=\"...\"");

    /// <summary>Kafka's unsecuredLoginListClaim_NAME: the first character is the separator of the rest (",a,b").</summary>
    private static IReadOnlyList<string> ListClaim(string? value) =>
        value is { Length: > 1 } ? value[1..].Split(value[0], StringSplitOptions.RemoveEmptyEntries) : [];

    private static ClientConfigException Invalid(string key, string reason) => new(key, $"Invalid configuration {key}: {reason}");
}
