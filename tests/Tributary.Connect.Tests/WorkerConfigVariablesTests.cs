using Tributary.Connect.Errors;
using Tributary.Connect.Runtime.Config;
using Tributary.Connect.Runtime.Distributed;

namespace Tributary.Connect.Tests;

/// <summary>
/// A worker configuration's own <c>${provider:path:key}</c> variables are resolved by the providers it names
/// (KIP-421, as Kafka's AbstractConfig does when a WorkerConfig or DistributedConfig is built).
/// </summary>
public sealed class WorkerConfigVariablesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private Dictionary<string, string> Worker(params (string Key, string Value)[] extra)
    {
        var secrets = _directory.File("worker-secrets.properties");
        System.IO.File.WriteAllText(secrets, "bootstrap=127.0.0.1:19092\ngroup=payments-connect\njaas=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"connect\" password=\"s3cret\";\n");
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = $"${{file:{secrets}:bootstrap}}",
            ["group.id"] = $"${{file:{secrets}:group}}",
            ["sasl.jaas.config"] = $"${{file:{secrets}:jaas}}",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["config.providers"] = "file",
            ["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider",
        };
        foreach (var (key, value) in extra)
        {
            properties[key] = value;
        }
        return properties;
    }

    [Fact]
    public void Worker_and_distributed_values_are_resolved_and_the_originals_hold_the_resolved_values()
    {
        var properties = Worker();
        var worker = new WorkerConfig(properties);
        Assert.Equal(["127.0.0.1:19092"], worker.BootstrapServerList);
        Assert.Equal("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"connect\" password=\"s3cret\";", worker.Originals["sasl.jaas.config"]);
        properties["config.storage.topic"] = "connect-configs";
        properties["offset.storage.topic"] = "connect-offsets";
        properties["status.storage.topic"] = "connect-status";
        Assert.Equal("payments-connect", new DistributedConfig(properties).GroupId);
    }

    [Fact]
    public void A_variable_of_no_configured_provider_or_key_stays_as_written()
    {
        var secrets = _directory.File("worker-secrets.properties");
        var worker = new WorkerConfig(Worker(("client.id", "${vault:secret/connect:id}"), ("rest.advertised.host.name", $"${{file:{secrets}:missing}}")));
        Assert.Equal("${vault:secret/connect:id}", worker.Originals["client.id"]);
        Assert.Equal($"${{file:{secrets}:missing}}", worker.Originals["rest.advertised.host.name"]);
    }

    [Fact]
    public void Without_config_providers_variables_stay_as_written()
    {
        var properties = Worker();
        properties.Remove("config.providers");
        properties["bootstrap.servers"] = "${file:/etc/kafka/secrets:bootstrap}";
        var worker = new WorkerConfig(properties);
        Assert.Equal(["${file:/etc/kafka/secrets:bootstrap}"], worker.BootstrapServerList);
    }

    [Fact]
    public void An_unknown_provider_class_fails_the_worker_config()
    {
        var error = Assert.Throws<ConfigException>(() => new WorkerConfig(Worker(("config.providers.file.class", "com.example.VaultConfigProvider"))));
        Assert.Contains("com.example.VaultConfigProvider", error.Message, StringComparison.Ordinal);
    }
}
