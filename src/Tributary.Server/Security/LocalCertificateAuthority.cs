using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tributary.Server.Security;

/// <summary>
/// A throw-away certificate authority for trying TLS out: a self-signed CA (ECDSA P-256, basic constraints CA) and a
/// server certificate it signs, with the given host names and IP addresses as subject alternative names (clients check
/// the name they dial, as librdkafka and kafka-python do by default) and server authentication as extended key usage.
/// Client certificates for mTLS (subject <c>CN=NAME</c>, client authentication as extended key usage) are signed by the
/// same CA. Not for production: the CA's key sits in a file beside it.
/// </summary>
public static class LocalCertificateAuthority
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1", ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public sealed record Files(string CaCertificate, string CaKey, string ServerCertificate, string ServerKey, IReadOnlyList<(string Certificate, string Key)> Clients);

    /// <summary>
    /// Writes ca.pem, ca-key.pem, server.pem and server-key.pem (PKCS#8, unencrypted) to <paramref name="directory"/>,
    /// and client-NAME.pem / client-NAME-key.pem for each of <paramref name="clients"/>.
    /// </summary>
    public static Files Create(string directory, IReadOnlyList<string> hosts, TimeSpan validity, IReadOnlyList<string>? clients = null)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Tributary local CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now, now.Add(validity));

        var (server, serverKey) = Issue(ca, $"CN={hosts[0]}", validity, now, ServerAuthentication, request =>
        {
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
            request.CertificateExtensions.Add(names.Build());
        });
        using var serverCertificate = server;
        using var serverPrivateKey = serverKey;

        var clientFiles = new List<(string, string)>();
        foreach (var client in clients ?? [])
        {
            var (certificate, key) = Issue(ca, $"CN={client}", validity, now, ClientAuthentication, _ => { });
            using (certificate)
            using (key)
            {
                var paths = (Path.Combine(directory, $"client-{client}.pem"), Path.Combine(directory, $"client-{client}-key.pem"));
                File.WriteAllText(paths.Item1, certificate.ExportCertificatePem() + "\n");
                WriteSecret(paths.Item2, key.ExportPkcs8PrivateKeyPem() + "\n");
                clientFiles.Add(paths);
            }
        }
        var files = new Files(
            Path.Combine(directory, "ca.pem"), Path.Combine(directory, "ca-key.pem"),
            Path.Combine(directory, "server.pem"), Path.Combine(directory, "server-key.pem"), clientFiles);
        File.WriteAllText(files.CaCertificate, ca.ExportCertificatePem() + "\n");
        WriteSecret(files.CaKey, caKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(files.ServerCertificate, serverCertificate.ExportCertificatePem() + "\n");
        WriteSecret(files.ServerKey, serverPrivateKey.ExportPkcs8PrivateKeyPem() + "\n");
        return files;
    }

    /// <summary>A certificate for <paramref name="subject"/> signed by the CA, for one extended key usage; the caller disposes both.</summary>
    private static (X509Certificate2 Certificate, ECDsa Key) Issue(X509Certificate2 ca, string subject, TimeSpan validity, DateTimeOffset now, string usage, Action<CertificateRequest> extend)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        extend(request);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return (request.Create(ca, now, now.Add(validity), serial), key);
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
