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
}
