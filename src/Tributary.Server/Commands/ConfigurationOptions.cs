using System.Collections;
using System.CommandLine;

namespace Tributary.Server.Commands;

/// <summary>
/// The options of every command that runs on Tributary's configuration (serve, config, and the coming
/// connect-standalone and friends): <c>--data-dir</c>, <c>--config</c> and repeatable <c>--set KEY=VALUE</c>.
/// Flags apply in the order given, after the config file and the environment (see defaults.conf).
/// </summary>
internal sealed class ConfigurationOptions
{
    private readonly Option<string> _dataDir = new("--data-dir")
    {
        Description = "Where data is kept (the data.dir option).",
        HelpName = "DIR",
    };

    private readonly Option<string> _configFile = new("--config")
    {
        Description = "Read options from FILE (key = value lines, as in defaults.conf).",
        HelpName = "FILE",
    };

    private readonly Option<string[]> _set = new("--set")
    {
        Description = "Set any option; repeatable. `tributary config` lists them.",
        HelpName = "KEY=VALUE",
    };

    public ConfigurationOptions()
    {
        _set.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.IndexOf('=') <= 0)
                {
                    result.AddError($"--set expects KEY=VALUE, got '{token.Value}'.");
                    return;
                }
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Add(_dataDir);
        command.Add(_configFile);
        command.Add(_set);
    }

    /// <summary>Defaults, then the config file, the environment and the flags of <paramref name="result"/>.</summary>
    /// <exception cref="ConfigurationException">An unknown key or a value that cannot be used.</exception>
    public ServerConfiguration Build(ParseResult result)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value;
        }

        return ServerConfiguration.Build(result.GetValue(_configFile), environment, Flags(result));
    }

    /// <summary>--data-dir and --set values in command-line order, so that the last one given wins.</summary>
    private List<KeyValuePair<string, string>> Flags(ParseResult result)
    {
        var dataDirs = new Queue<string>(result.GetResult(_dataDir)?.Tokens.Select(t => t.Value) ?? []);
        var sets = new Queue<string>(result.GetResult(_set)?.Tokens.Select(t => t.Value) ?? []);
        var flags = new List<KeyValuePair<string, string>>();
        foreach (var token in result.Tokens)
        {
            if (_dataDir.Name == token.Value && dataDirs.Count > 0)
            {
                flags.Add(new(ServerConfiguration.Keys.DataDir, dataDirs.Dequeue()));
            }
            else if (_set.Name == token.Value && sets.Count > 0)
            {
                var pair = sets.Dequeue();
                var equals = pair.IndexOf('=');
                flags.Add(new(pair[..equals].Trim(), pair[(equals + 1)..]));
            }
        }

        return flags;
    }
}
