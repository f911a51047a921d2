using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tributary.Server.Security;

/// <summary>
/// A throw-away certificate authority for trying TLS out: a self-signed CA (ECDSA P-256, basic constraints CA) and a
/// server certificate it signs, with the given host names and IP addresses as subject alternative names (clients check
/// the name they dial, as librdkafka and kafka-python do by default) and server authentication as extended key usage.
/// Not for production: the CA's key sits in a file beside it.
/// </summary>
public static class LocalCertificateAuthority
{
    public sealed record Files(string CaCertificate, string CaKey, string ServerCertificate, string ServerKey);

    /// <summary>Writes ca.pem, ca-key.pem, server.pem and server-key.pem (PKCS#8, unencrypted) to <paramref name="directory"/>.</summary>
    public static Files Create(string directory, IReadOnlyList<string> hosts, TimeSpan validity)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Tributary local CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now, now.Add(validity));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={hosts[0]}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var server = serverRequest.Create(ca, now, now.Add(validity), serial);

        var files = new Files(
            Path.Combine(directory, "ca.pem"), Path.Combine(directory, "ca-key.pem"),
            Path.Combine(directory, "server.pem"), Path.Combine(directory, "server-key.pem"));
        File.WriteAllText(files.CaCertificate, ca.ExportCertificatePem() + "\n");
        WriteSecret(files.CaKey, caKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(files.ServerCertificate, server.ExportCertificatePem() + "\n");
        WriteSecret(files.ServerKey, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        return files;
    }

    /// <summary>Keys are readable by their owner only.</summary>
    private static void WriteSecret(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
