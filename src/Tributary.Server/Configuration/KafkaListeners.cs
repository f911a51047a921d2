using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Authorization;
using Tributary.Kafka.Security.Iam;
using Tributary.Kafka.Security.OAuthBearer;
using Tributary.Kafka.Security.Sasl;

namespace Tributary.Server;

/// <summary>
/// Reads the Kafka listener keys for <see cref="OptionBinder"/>: kafka.listeners, kafka.advertised.listeners and
/// kafka.listener.security.protocol.map with Kafka's semantics, the TLS certificate from PEM files, the SASL mechanisms.
/// Every refusal is a ConfigurationException naming the key.
/// </summary>
internal static class KafkaListeners
{
    /// <summary>The listeners, or an empty list for "auto" (one PLAINTEXT listener on kafka.host:kafka.port).</summary>
    public static IReadOnlyList<KafkaListenerEndpoint> Parse(ServerConfiguration configuration, string defaultHost, string? advertisedHost)
    {
        // Every key is read (and so validated) even when "auto" leaves it unused.
        var protocols = ProtocolMap(configuration);
        var advertised = Entries(configuration, ServerConfiguration.Keys.KafkaAdvertisedListeners, allowAuto: true)
            .ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var text = configuration.GetString(ServerConfiguration.Keys.KafkaListeners).Trim();
        if (text == "auto")
        {
            return advertised.Count == 0 ? [] : throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaAdvertisedListeners}' needs {ServerConfiguration.Keys.KafkaListeners} (it is auto).");
        }
        var listeners = new List<KafkaListenerEndpoint>();
        foreach (var (name, host, port) in Entries(configuration, ServerConfiguration.Keys.KafkaListeners, allowAuto: false))
        {
            if (!protocols.TryGetValue(name, out var protocol))
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaListeners}': listener {name} has no security protocol in {ServerConfiguration.Keys.KafkaListenerSecurityProtocolMap}.");
            }
            var bindHost = host.Length == 0 ? defaultHost : host;
            if (!IPAddress.TryParse(bindHost, out _))
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaListeners}': listener {name} must bind an IP address, such as 127.0.0.1 or 0.0.0.0; got '{bindHost}'.");
            }
            if (listeners.Any(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaListeners}': listener {name} is named twice.");
            }
            var (advertisedName, advertisedPort) = advertised.TryGetValue(name, out var entry) ? (entry.Host, entry.Port)
                : (advertisedHost ?? (bindHost == "0.0.0.0" ? Dns.GetHostName() : bindHost), 0);
            listeners.Add(new KafkaListenerEndpoint(name.ToUpperInvariant(), protocol, bindHost, port, advertisedName, advertisedPort));
        }
        foreach (var name in advertised.Keys.Where(n => !listeners.Any(l => string.Equals(l.Name, n, StringComparison.OrdinalIgnoreCase))))
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaAdvertisedListeners}': {name} is not a listener of {ServerConfiguration.Keys.KafkaListeners}.");
        }
        return listeners;
    }

    /// <summary>mTLS: kafka.ssl.client.auth, the CA certificates of kafka.ssl.truststore.location, kafka.ssl.principal.mapping.rules.</summary>
    public static SslClientAuthentication ClientAuthentication(ServerConfiguration configuration)
    {
        var modeText = configuration.GetString(ServerConfiguration.Keys.KafkaSslClientAuth).Trim().ToLowerInvariant();
        var mode = modeText switch
        {
            "none" => SslClientAuth.None,
            "requested" => SslClientAuth.Requested,
            "required" => SslClientAuth.Required,
            _ => throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSslClientAuth}': '{modeText}' is not one of none, requested, required."),
        };
        var location = configuration.GetString(ServerConfiguration.Keys.KafkaSslTruststoreLocation);
        X509Certificate2Collection? trusted = null;
        if (location != "none")
        {
            trusted = [];
            try
            {
                trusted.ImportFromPemFile(location);
            }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSslTruststoreLocation}': cannot read PEM certificates from {location}: {e.Message}");
            }
            if (trusted.Count == 0)
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSslTruststoreLocation}': {location} holds no PEM certificate.");
            }
        }
        SslPrincipalMapper mapper;
        try
        {
            mapper = SslPrincipalMapper.Parse(configuration.GetString(ServerConfiguration.Keys.KafkaSslPrincipalMappingRules));
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSslPrincipalMappingRules}': {e.Message}");
        }
        var rules = configuration.GetString(ServerConfiguration.Keys.KafkaSslPrincipalMappingRules).Trim();
        return mode == SslClientAuth.None && trusted is null && rules == "DEFAULT" ? SslClientAuthentication.Off : new SslClientAuthentication(mode, trusted, mapper);
    }

    /// <summary>The server certificate with its key, or null for "none".</summary>
    public static X509Certificate2? Certificate(ServerConfiguration configuration)
    {
        var certificate = configuration.GetString(ServerConfiguration.Keys.KafkaSslCertificateLocation);
        var key = configuration.GetString(ServerConfiguration.Keys.KafkaSslKeyLocation);
        var password = configuration.GetString(ServerConfiguration.Keys.KafkaSslKeyPassword);
        if (certificate == "none")
        {
            return null;
        }
        try
        {
            var keyFile = key == "none" ? null : key;
            return password == "none"
                ? X509Certificate2.CreateFromPemFile(certificate, keyFile)
                : X509Certificate2.CreateFromEncryptedPemFile(certificate, password, keyFile);
        }
        catch (Exception e) when (e is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSslCertificateLocation}' / '{ServerConfiguration.Keys.KafkaSslKeyLocation}': cannot load the certificate and its key: {e.Message}");
        }
    }

    public static IReadOnlyList<string> Mechanisms(ServerConfiguration configuration)
    {
        var mechanisms = configuration.GetString(ServerConfiguration.Keys.KafkaSaslEnabledMechanisms)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToUpperInvariant()).Distinct().ToList();
        foreach (var mechanism in mechanisms.Where(m => !SaslMechanisms.Implemented.Contains(m)))
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSaslEnabledMechanisms}': {mechanism} is not implemented ({string.Join(", ", SaslMechanisms.Implemented)}).");
        }
        var oauth = OAuthBearer(configuration);
        var iam = MskIam(configuration);
        if (mechanisms.Contains(SaslMechanisms.OAuthBearer) && oauth.Unsecured is null && oauth.Jwks is null && iam is null)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSaslEnabledMechanisms}': OAUTHBEARER needs a token validator: set {ServerConfiguration.Keys.OAuthUnsecuredEnable}, {ServerConfiguration.Keys.OAuthJwksUrl} or {ServerConfiguration.Keys.MskIamCredentials}.");
        }
        if (mechanisms.Contains(SaslMechanisms.AwsMskIam) && iam is null)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaSaslEnabledMechanisms}': AWS_MSK_IAM needs access keys in {ServerConfiguration.Keys.MskIamCredentials}.");
        }
        return mechanisms;
    }

    /// <summary>The OAUTHBEARER validators' settings (kafka.sasl.oauthbearer.*); the JWKS file is read here. Every key is
    /// read whether or not its validator is on, so a typo in one is refused either way.</summary>
    public static OAuthBearerOptions OAuthBearer(ServerConfiguration configuration)
    {
        var unsecured = new UnsecuredJwtOptions
        {
            PrincipalClaimName = configuration.GetString(ServerConfiguration.Keys.OAuthUnsecuredPrincipalClaim),
            ScopeClaimName = configuration.GetString(ServerConfiguration.Keys.OAuthUnsecuredScopeClaim),
            RequiredScope = List(configuration.GetString(ServerConfiguration.Keys.OAuthUnsecuredRequiredScope)),
            AllowableClockSkewMs = configuration.GetInt64(ServerConfiguration.Keys.OAuthUnsecuredClockSkewMs, 0, long.MaxValue),
        };
        var issuer = configuration.GetString(ServerConfiguration.Keys.OAuthExpectedIssuer);
        var audience = List(configuration.GetString(ServerConfiguration.Keys.OAuthExpectedAudience));
        var subjectClaim = configuration.GetString(ServerConfiguration.Keys.OAuthSubClaim);
        var scopeClaim = configuration.GetString(ServerConfiguration.Keys.OAuthScopeClaim);
        var skew = configuration.GetInt64(ServerConfiguration.Keys.OAuthClockSkewSeconds, 0, int.MaxValue);
        var jwksLocation = configuration.GetString(ServerConfiguration.Keys.OAuthJwksUrl);
        SignedJwtOptions? signed = null;
        if (jwksLocation != "none")
        {
            var path = jwksLocation.StartsWith("file:", StringComparison.Ordinal) ? new Uri(jwksLocation).LocalPath : jwksLocation;
            JsonWebKeySet keys;
            try
            {
                keys = JsonWebKeySet.Load(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.OAuthJwksUrl}': cannot read the JWKS {path}: {e.Message}");
            }
            signed = new SignedJwtOptions
            {
                Keys = keys,
                ExpectedIssuer = issuer != "none" ? issuer : null,
                ExpectedAudience = audience,
                SubjectClaimName = subjectClaim,
                ScopeClaimName = scopeClaim,
                ClockSkewSeconds = skew,
            };
        }
        return new OAuthBearerOptions { Unsecured = configuration.GetBool(ServerConfiguration.Keys.OAuthUnsecuredEnable) ? unsecured : null, Jwks = signed };
    }

    /// <summary>The authorizer's settings, or null when kafka.authorizer.enable is false (its keys are read either way).</summary>
    public static AclAuthorizerSettings? Authorizer(ServerConfiguration configuration)
    {
        var superUsers = configuration.GetString(ServerConfiguration.Keys.SuperUsers);
        var allowEveryone = configuration.GetBool(ServerConfiguration.Keys.AllowEveryoneIfNoAclFound);
        var principals = superUsers == "none" ? [] : superUsers.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var principal in principals.Where(p => p.IndexOf(':', StringComparison.Ordinal) <= 0))
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.SuperUsers}': '{principal}' is not a principal such as User:admin.");
        }
        return configuration.GetBool(ServerConfiguration.Keys.AuthorizerEnable) ? new AclAuthorizerSettings(principals.ToHashSet(StringComparer.Ordinal), allowEveryone) : null;
    }

    /// <summary>The MSK IAM access keys, or null when IAM is off.</summary>
    public static MskIamCredentials? MskIam(ServerConfiguration configuration)
    {
        var text = configuration.GetString(ServerConfiguration.Keys.MskIamCredentials);
        if (text == "none")
        {
            return null;
        }
        try
        {
            return MskIamCredentials.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"Option '{ServerConfiguration.Keys.MskIamCredentials}': {e.Message}");
        }
    }

    private static IReadOnlyList<string> List(string text) =>
        text == "none" ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, SecurityProtocol> ProtocolMap(ServerConfiguration configuration)
    {
        var map = new Dictionary<string, SecurityProtocol>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in configuration.GetString(ServerConfiguration.Keys.KafkaListenerSecurityProtocolMap).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !SecurityProtocols.TryParse(pair[(colon + 1)..], out var protocol))
            {
                throw new ConfigurationException($"Option '{ServerConfiguration.Keys.KafkaListenerSecurityProtocolMap}': '{pair}' is not NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL.");
            }
            map[pair[..colon]] = protocol;
        }
        return map;
    }

    /// <summary>NAME://HOST:PORT entries of a list option (HOST may be empty; an IPv6 address in brackets).</summary>
    private static IEnumerable<(string Name, string Host, int Port)> Entries(ServerConfiguration configuration, string key, bool allowAuto)
    {
        var text = configuration.GetString(key).Trim();
        if (allowAuto && text == "auto")
        {
            yield break;
        }
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var scheme = entry.IndexOf("://", StringComparison.Ordinal);
            var colon = entry.LastIndexOf(':');
            if (scheme <= 0 || colon <= scheme + 2 || !int.TryParse(entry[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
            {
                throw new ConfigurationException($"Option '{key}': '{entry}' is not NAME://HOST:PORT.");
            }
            yield return (entry[..scheme], entry[(scheme + 3)..colon].Trim('[', ']'), port);
        }
    }
}
