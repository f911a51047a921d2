using System.Text.Json;

namespace Tributary.Testing;

/// <summary>Reads topics with kcat (a real client, separate process): one entry per record, key and value as text (null kept).</summary>
public static class Kcat
{
    public sealed record Message(string? Key, string? Value, long Offset);

    public static async Task<IReadOnlyList<Message>> ReadAllAsync(string bootstrap, string topic)
    {
        InteropClients.RequireKcat();
        var result = await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-J"], TimeSpan.FromSeconds(60));
        result.EnsureSuccess();
        var messages = new List<Message>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            messages.Add(new Message(
                root.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null,
                root.TryGetProperty("payload", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null,
                root.GetProperty("offset").GetInt64()));
        }
        return messages;
    }

    /// <summary>
    /// A partition's end offset (kcat -Q at timestamp -1), or -1 while the topic does not exist: a cheap check to make
    /// before reading a large topic whole.
    /// </summary>
    public static async Task<long> EndOffsetAsync(string bootstrap, string topic, int partition = 0)
    {
        InteropClients.RequireKcat();
        var result = await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-Q", "-t", $"{topic}:{partition}:-1"], TimeSpan.FromSeconds(30));
        // "<topic> [<partition>] offset <n>"; an unknown topic prints an error instead.
        var words = result.StandardOutput.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return result.ExitCode == 0 && words.Length >= 2 && words[^2] == "offset" && long.TryParse(words[^1], out var offset) ? offset : -1;
    }

    /// <summary>
    /// Produces keyed records to partition 0 of <paramref name="topic"/> with kcat (one line each; key and value split
    /// at the first tab, so neither may hold a tab or a newline). Creates the topic when the broker auto-creates topics.
    /// </summary>
    public static async Task ProduceAsync(string bootstrap, string topic, IEnumerable<(string Key, string Value)> records)
    {
        InteropClients.RequireKcat();
        using var directory = new TempDirectory();
        var input = Path.Combine(directory.Path, "records.txt");
        await File.WriteAllLinesAsync(input, records.Select(r => r.Key + "\t" + r.Value));
        (await ClientProcess.RunAsync("kcat", ["-b", bootstrap, "-P", "-t", topic, "-p", "0", "-K", "\t"], TimeSpan.FromSeconds(60), stdinFile: input)).EnsureSuccess();
    }
}
