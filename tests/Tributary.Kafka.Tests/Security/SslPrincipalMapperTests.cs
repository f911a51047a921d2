using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tributary.Kafka.Security;

namespace Tributary.Kafka.Tests.Security;

/// <summary>Kafka's ssl.principal.mapping.rules (KIP-371) and the RFC 2253 subject they are matched against.</summary>
public sealed class SslPrincipalMapperTests
{
    private const string Subject = "CN=Kafka1,OU=ServiceUsers,O=Example,L=Mountain View,ST=CA,C=US";

    [Theory]
    [InlineData("DEFAULT", Subject)]
    [InlineData("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,DEFAULT", "Kafka1")]
    [InlineData("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L", "kafka1")]
    [InlineData("RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/U", "KAFKA1@SERVICEUSERS")]
    [InlineData("RULE:^CN=(.*?),OU=Admins.*$/$1/, DEFAULT", Subject)]
    [InlineData("RULE:^CN=([^,]+)$/$1/", null)]
    [InlineData("RULE:^OU=.*$/x/", null)]
    [InlineData("RULE:^CN=(.*?),OU=(.*?)\\/?,.*$/$1\\/$2/", "Kafka1/ServiceUsers")]
    public void Rules_apply_in_order_to_the_whole_subject(string rules, string? expected) =>
        Assert.Equal(expected, SslPrincipalMapper.Parse(rules).Map(Subject));

    [Theory]
    [InlineData("RULE:^CN=(.*$/$1/")]
    [InlineData("RULE:^CN=(.*)$/$1")]
    [InlineData("DEFAULT RULE:x/y/")]
    [InlineData("SOMETHING")]
    public void Malformed_rules_are_refused(string rules) => Assert.Throws<FormatException>(() => SslPrincipalMapper.Parse(rules));

    [Fact]
    public void The_subject_is_written_as_javas_X500Principal_writes_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // RFC 2253 writes the last attribute of the encoded sequence first (the builder encodes them in reverse order
        // of adding; .NET's Subject shows the same order as Java's getName, with spaces and quotes).
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("alice");
        subject.AddOrganizationalUnitName("Dev, Ops");
        subject.AddOrganizationName("Example");
        subject.AddCountryOrRegion("US");
        using var certificate = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal("CN=alice, OU=\"Dev, Ops\", O=Example, C=US", certificate.Subject);
        Assert.Equal("CN=alice,OU=Dev\\, Ops,O=Example,C=US", SslPrincipalMapper.DistinguishedName(certificate.SubjectName));
    }
}
