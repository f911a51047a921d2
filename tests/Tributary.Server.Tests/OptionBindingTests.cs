using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Tributary.Server.Tests;

/// <summary>
/// defaults.conf is bound in one place (<see cref="OptionBinder"/>) into option records that also carry their own
/// defaults for in-process use. These tests keep the two from drifting: every documented key is read by the binder,
/// and a record built with its own defaults equals the record bound from defaults.conf.
/// </summary>
public sealed class OptionBindingTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    /// <summary>Members whose bound value is derived from where the server runs, not a default to compare.</summary>
    private static readonly HashSet<string> Derived = new(StringComparer.Ordinal)
    {
        // Absolute paths under the data directory, resolved against the working directory at bind time.
        "BrokerOptions.DataDirectory", "DeliveryOptions.Directory", "DeliveryOptions.TablesDirectory",
        // "auto" resolves to the host name or the bind address.
        "KafkaListenerOptions.AdvertisedHost", "KafkaListenerOptions.EffectiveListeners",
        // The credential store of the data directory, opened by serve.
        "KafkaSecurityOptions.Credentials",
        // Empty in the record means "Kafka's topic defaults"; the binder spells them out (checked below).
        "BrokerOptions.DefaultTopicConfigs",
    };

    [Fact]
    public void Binding_the_defaults_reads_every_documented_key()
    {
        var configuration = ServerConfiguration.Build(null, NoEnvironment, []);
        _ = OptionBinder.Bind(configuration);
        var unread = ServerConfiguration.Defaults.Keys.Except(configuration.KeysRead).Order().ToArray();
        Assert.True(unread.Length == 0, $"defaults.conf keys never read by OptionBinder: {string.Join(", ", unread)}");
    }

    [Fact]
    public void Option_records_default_to_what_defaults_conf_binds()
    {
        var bound = OptionBinder.Bind(ServerConfiguration.Build(null, NoEnvironment, []));
        var differences = new List<string>();
        foreach (var property in typeof(TributaryOptions).GetProperties())
        {
            var value = property.GetValue(bound);
            if (value is not null && IsOptionRecord(value.GetType()))
            {
                Compare(value.GetType().Name, Activator.CreateInstance(value.GetType())!, value, differences);
            }
        }
        Assert.True(differences.Count == 0, "option record defaults differ from defaults.conf:\n" + string.Join("\n", differences));
    }

    [Fact]
    public void Topic_defaults_bound_from_the_log_options_are_the_topic_configs_own_defaults()
    {
        var bound = OptionBinder.Broker(ServerConfiguration.Build(null, NoEnvironment, [])).DefaultTopicConfigs;
        Assert.NotEmpty(bound);
        foreach (var (name, value) in bound)
        {
            var builtIn = Assert.Single(Broker.TopicConfigs.Supported, c => c.Name == name).Default;
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            var same = double.TryParse(builtIn, invariant, out var expected) && double.TryParse(value, invariant, out var actual)
                ? expected == actual
                : builtIn == value;
            Assert.True(same,
                $"{name}: defaults.conf binds {value}, the topic config's default is {builtIn}");
        }
    }

    [Fact]
    public void A_record_default_that_drifts_is_caught()
    {
        // The comparison itself must be able to fail: a record whose default differs from the bound one.
        var bound = OptionBinder.Kinesis(ServerConfiguration.Build(null, NoEnvironment, []));
        var drifted = bound with { ShardLimit = bound.ShardLimit + 1 };
        var differences = new List<string>();
        Compare("KinesisOptions", drifted, bound, differences);
        Assert.Single(differences);
        Assert.Contains("ShardLimit", differences[0]);
    }

    private static bool IsOptionRecord(Type type) =>
        type.IsClass && type != typeof(string) && type.GetConstructor(Type.EmptyTypes) is not null && type.Namespace?.StartsWith("Tributary", StringComparison.Ordinal) == true;

    private static void Compare(string path, object defaults, object bound, List<string> differences)
    {
        foreach (var property in defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = $"{path}.{property.Name}";
            if (property.GetIndexParameters().Length > 0 || property.IsDefined(typeof(RequiredMemberAttribute)) || Derived.Contains($"{defaults.GetType().Name}.{property.Name}"))
            {
                continue;
            }
            var expected = property.GetValue(bound);
            var actual = property.GetValue(defaults);
            if (expected is not null && actual is not null && IsOptionRecord(expected.GetType()) && expected is not IEnumerable)
            {
                Compare(name, actual, expected, differences);
            }
            else if (!Same(actual, expected))
            {
                differences.Add($"{name}: record default {Show(actual)}, defaults.conf binds {Show(expected)}");
            }
        }
    }

    private static bool Same(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (IDictionary a, IDictionary b) => a.Count == b.Count && a.Keys.Cast<object>().All(k => b.Contains(k) && Equals(a[k], b[k])),
        (IEnumerable a, IEnumerable b) when left is not string => a.Cast<object>().SequenceEqual(b.Cast<object>()),
        _ => Equals(left, right),
    };

    private static string Show(object? value) => value switch
    {
        null => "null",
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{k}={d[k]}")) + "}",
        IEnumerable e when value is not string => "[" + string.Join(", ", e.Cast<object>()) + "]",
        _ => value.ToString() ?? "",
    };
}
