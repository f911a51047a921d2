using System.Text.RegularExpressions;

namespace Tributary.Server.Tests;

public class ConfigurationTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Every_option_the_program_reads_has_a_default_and_a_description()
    {
        var defaults = ServerConfiguration.Defaults;
        foreach (var key in ServerConfiguration.Keys.All)
        {
            Assert.True(defaults.ContainsKey(key), $"'{key}' is read by the program but missing from defaults.conf");
            Assert.False(string.IsNullOrWhiteSpace(defaults[key].Value), $"'{key}' has no default value");
            Assert.True(defaults[key].Description.Length >= 20, $"'{key}' has no real description");
        }
        foreach (var key in defaults.Keys)
        {
            Assert.Contains(key, ServerConfiguration.Keys.All);
        }
    }

    [Fact]
    public void Every_key_constant_is_listed_in_All()
    {
        var constants = typeof(ServerConfiguration.Keys).GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.Equal(constants.Order(), ServerConfiguration.Keys.All.Order());
    }

    [Fact]
    public void The_defaults_file_in_the_source_tree_is_the_one_built_in()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "Tributary.Server", "defaults.conf");
        Assert.Equal(File.ReadAllText(source), ServerConfiguration.ReadDefaultsText());
    }

    [Fact]
    public void An_option_without_a_description_is_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => ServerConfiguration.ParseDocumented("# described\na = 1\n\nb = 2\n", "test.conf"));
        Assert.Contains("'b' has no description", error.Message);
    }

    [Fact]
    public void Defaults_build_valid_storage_settings()
    {
        var configuration = ServerConfiguration.Build(null, NoEnvironment, []);
        var options = OptionBinder.LogManager(configuration);
        Assert.Equal(1024 * 1024 * 1024, options.DefaultLogConfig.SegmentBytes);
        Assert.Equal(Storage.FlushPolicy.EveryAppend, options.DefaultLogConfig.FlushPolicy);
        Assert.Equal("./data", configuration.GetString(ServerConfiguration.Keys.DataDir));
        Assert.All(configuration.Sources.Values, source => Assert.Equal("default", source));
    }

    [Fact]
    public void File_then_environment_then_flags_override_defaults()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "log.segment.bytes = 2048\nlog.retention.ms = 10\n");
        try
        {
            var environment = new Dictionary<string, string?> { ["TRIBUTARY_LOG_RETENTION_MS"] = "20", ["TRIBUTARY_LOG_FLUSH_POLICY"] = "os" };
            var configuration = ServerConfiguration.Build(file, environment, [new("log.flush.policy", "interval")]);
            Assert.Equal(2048, configuration.GetInt64(ServerConfiguration.Keys.SegmentBytes));
            Assert.Equal(20, configuration.GetInt64(ServerConfiguration.Keys.RetentionMs));
            Assert.Equal("interval", configuration.GetString(ServerConfiguration.Keys.FlushPolicy));
            Assert.Equal(file, configuration.Sources[ServerConfiguration.Keys.SegmentBytes]);
            Assert.Equal("environment", configuration.Sources[ServerConfiguration.Keys.RetentionMs]);
            Assert.Equal("flag", configuration.Sources[ServerConfiguration.Keys.FlushPolicy]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("log.segment.bytes", "big", "must be an integer")]
    [InlineData("log.segment.bytes", "10", "must be an integer between 1024")]
    [InlineData("log.flush.policy", "sometimes", "must be one of every-append, interval, os")]
    [InlineData("log.cleaner.min.cleanable.ratio", "2", "must be a number between 0 and 1")]
    [InlineData("no.such.option", "1", "Unknown option 'no.such.option'")]
    public void Bad_values_and_unknown_options_are_refused_with_a_clear_message(string key, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => ServerConfiguration.Build(null, NoEnvironment, [new(key, value)]));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_secret_rule_picks_exactly_the_options_that_hold_secrets()
    {
        var secrets = ServerConfiguration.Keys.All.Where(ConfigurationSecrets.IsSecret).Order().ToArray();
        Assert.Equal(["aws.credentials", "delivery.s3.access.key", "delivery.s3.secret.key", "kafka.sasl.aws.msk.iam.credentials", "kafka.ssl.key.password", "msk.connect.plugin.s3.access.key", "msk.connect.plugin.s3.secret.key", "msk.connect.worker.credentials"], secrets);
        foreach (var key in new[] { "ssl.keystore.password", "sasl.jaas.config", "schema.registry.basic.auth.credentials", "sasl.oauthbearer.token", "ssl.key" })
        {
            Assert.True(ConfigurationSecrets.IsSecret(key), key);
        }

        foreach (var key in new[] { "key.converter", "kafka.key.serializer", "delivery.s3.path.style" })
        {
            Assert.False(ConfigurationSecrets.IsSecret(key), key);
        }
    }

    [Fact]
    public void A_secret_is_hidden_unless_it_holds_its_default()
    {
        Assert.Equal("any", ConfigurationSecrets.Display(ServerConfiguration.Keys.AwsCredentials, "any"));
        Assert.Equal("[hidden]", ConfigurationSecrets.Display(ServerConfiguration.Keys.AwsCredentials, "AKID:secret"));
        Assert.Equal("[hidden]", ConfigurationSecrets.Display("ssl.key.password", "changeit"));
        Assert.Equal("9092", ConfigurationSecrets.Display(ServerConfiguration.Keys.KafkaPort, "9092"));
    }

    [Fact]
    public void Readme_quick_start_names_the_two_commands()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.Matches(new Regex(@"dotnet run --project src/Tributary\.Server -- serve"), readme);
        Assert.Contains("./test.sh", readme);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tributary.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
