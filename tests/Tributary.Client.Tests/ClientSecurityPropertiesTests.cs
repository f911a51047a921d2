using System.Text;
using Tributary.Client.Security;
using Tributary.Client.Security.Sasl;

namespace Tributary.Client.Tests;

/// <summary>Reading the Java client's security properties, the JAAS option syntax, and SCRAM's client proof against RFC 7677's example.</summary>
public sealed class ClientSecurityPropertiesTests
{
    [Fact]
    public void No_settings_is_plaintext()
    {
        var security = ClientSecurityProperties.From(new Dictionary<string, string>());
        Assert.Equal(SecurityProtocol.Plaintext, security.Protocol);
        Assert.Null(security.Tls);
        Assert.Null(security.Sasl);
    }

    [Fact]
    public void Jaas_values_may_be_quoted_with_escapes_or_bare()
    {
        var jaas = JaasConfig.Parse("org.apache.kafka.common.security.scram.ScramLoginModule required username=alice password=\"p;a\\\"ss=\" ;");
        Assert.Equal("org.apache.kafka.common.security.scram.ScramLoginModule", jaas.LoginModule);
        Assert.Equal("alice", jaas.Options["username"]);
        Assert.Equal("p;a\"ss=", jaas.Options["password"]);
        Assert.DoesNotContain("p;a", jaas.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("security.protocol=TLS", "security.protocol", "not one of PLAINTEXT")]
    [InlineData("security.protocol=SASL_PLAINTEXT", "sasl.mechanism", "GSSAPI")]
    [InlineData("security.protocol=SASL_PLAINTEXT|sasl.mechanism=PLAIN", "sasl.jaas.config", "needs sasl.jaas.config")]
    [InlineData("security.protocol=SASL_PLAINTEXT|sasl.mechanism=PLAIN|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" password=\"secret-value\";", "sasl.jaas.config", "takes the login module org.apache.kafka.common.security.plain.PlainLoginModule")]
    [InlineData("security.protocol=SASL_PLAINTEXT|sasl.mechanism=SCRAM-SHA-256|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\";", "sasl.jaas.config", "needs the option password")]
    [InlineData("security.protocol=SASL_PLAINTEXT|sasl.mechanism=SCRAM-SHA-256|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" password=\"secret-value\"", "sasl.jaas.config", "semicolon")]
    [InlineData("security.protocol=SASL_SSL|sasl.mechanism=AWS_MSK_IAM|sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required awsRoleArn=\"arn:aws:iam::1:role/r\";", "sasl.jaas.config", "STS")]
    [InlineData("security.protocol=SSL|ssl.truststore.type=JKS|ssl.truststore.location=/etc/hosts", "ssl.truststore.type", "keytool")]
    [InlineData("security.protocol=SSL|ssl.truststore.location=/nonexistent/ca.pem", "ssl.truststore.location", "cannot read")]
    [InlineData("security.protocol=SSL|ssl.endpoint.identification.algorithm=ldap", "ssl.endpoint.identification.algorithm", "not 'https' or empty")]
    public void Wrong_settings_name_the_key_and_never_echo_the_secret(string settings, string key, string expected)
    {
        var properties = settings.Split('|').ToDictionary(p => p[..p.IndexOf('=', StringComparison.Ordinal)], p => p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var error = Assert.Throws<ClientConfigException>(() => ClientSecurityProperties.From(properties));
        Assert.Equal(key, error.Key);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scram_sha_256_matches_the_example_of_RFC_7677()
    {
        var exchange = new ScramSaslClient("SCRAM-SHA-256", "user", "pencil").StartWithNonce("rOprNGfwEbeRWgbNEkqO");
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Encoding.UTF8.GetString(exchange.Next(null)!));
        var final = exchange.Next(Encoding.UTF8.GetBytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Encoding.UTF8.GetString(final!));
        Assert.Null(exchange.Next(Encoding.UTF8.GetBytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    }

    [Fact]
    public void A_server_signature_that_does_not_verify_is_refused()
    {
        var exchange = new ScramSaslClient("SCRAM-SHA-256", "user", "pencil").StartWithNonce("rOprNGfwEbeRWgbNEkqO");
        exchange.Next(null);
        exchange.Next(Encoding.UTF8.GetBytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        var error = Assert.Throws<KafkaClientException>(() => exchange.Next(Encoding.UTF8.GetBytes("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        Assert.True(error.IsAuthenticationFailure);
    }

    [Fact]
    public void Scram_refuses_too_few_iterations_and_a_nonce_that_is_not_ours()
    {
        var few = new ScramSaslClient("SCRAM-SHA-512", "u", "p").StartWithNonce("abc");
        few.Next(null);
        Assert.Contains("fewer than 4096", Assert.Throws<KafkaClientException>(() => few.Next("r=abcdef,s=AAAA,i=1000"u8.ToArray())).Message, StringComparison.Ordinal);
        var foreign = new ScramSaslClient("SCRAM-SHA-512", "u", "p").StartWithNonce("abc");
        foreign.Next(null);
        Assert.Contains("nonce", Assert.Throws<KafkaClientException>(() => foreign.Next("r=xyzdef,s=AAAA,i=4096"u8.ToArray())).Message, StringComparison.Ordinal);
    }
}
