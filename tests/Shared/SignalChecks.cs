using System.Data.Common;
using System.Text.Json;

namespace Tributary.Testing;

/// <summary>
/// What the MySQL and PostgreSQL signal tests share (compiled into both, as neither may reference the other): the
/// signal rows that check the log signal and the skipping of malformed ones, the captured output, and what that
/// output must then say.
/// </summary>
public static class SignalChecks
{
    /// <summary>The message the <c>log</c> signal of <see cref="LogAndMalformedRows"/> carries.</summary>
    public const string LogMessage = "signal check 4711";

    /// <summary>Inserts into <paramref name="signalTable"/>: data that is not JSON, an unknown type, and a <c>log</c> signal.</summary>
    public static string LogAndMalformedRows(string signalTable) => $$"""
        INSERT INTO {{signalTable}} VALUES ('bad-json', 'execute-snapshot', '{"data-collections": [');
        INSERT INTO {{signalTable}} VALUES ('bad-type', 'reboot-the-server', '{}');
        INSERT INTO {{signalTable}} VALUES ('hello', 'log', '{"message": "{{LogMessage}}"}');
        """;

    /// <summary>What the task wrote to its signal output so far (the writer is locked by the signal code as it writes).</summary>
    public static string Text(StringWriter output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>The log signal's line, and one warning for each malformed row, naming it.</summary>
    public static void AssertLogAndMalformedLines(StringWriter output)
    {
        var lines = Text(output).Split('\n');
        Assert.Contains(lines, l => l.StartsWith("info:", StringComparison.Ordinal) && l.Contains("hello log: " + LogMessage, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("warn:", StringComparison.Ordinal) && l.Contains("bad-json", StringComparison.Ordinal) && l.Contains("malformed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("warn:", StringComparison.Ordinal) && l.Contains("unknown signal type 'reboot-the-server'", StringComparison.Ordinal));
    }

    /// <summary>The id and note of every row of <paramref name="table"/> (the blocking snapshot tests' tables: id int key, note text).</summary>
    public static async Task<Dictionary<int, string>> NotesAsync(DbConnection connection, string table)
    {
        var notes = new Dictionary<int, string>();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, note FROM {table}";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            notes[reader.GetInt32(0)] = reader.GetString(1);
        }
        return notes;
    }

    /// <summary>
    /// What a blocking snapshot of a table of <paramref name="rows"/> rows (id int key, note text) must leave in its topic
    /// while a writer inserted <paramref name="written"/> rows (ids above <paramref name="rows"/>) and updated old ones
    /// before, during and after it. <paramref name="values"/> are the topic's change events (JSON with schemas) in
    /// order; <paramref name="current"/> what the table holds now. The snapshot records carry the initial snapshot's
    /// markers (first, true…, last) and are fewer than all rows there are at the end (some inserts came after the read);
    /// from the first snapshot record on, every row is created once — by the snapshot or by a streamed insert, not both
    /// (a row inserted before the pause streamed before it and is read again, as any snapshot reads the rows there
    /// are); and each row's last event holds the table's value.
    /// </summary>
    public static void AssertBlockingSnapshot(IReadOnlyList<string> values, int rows, int written, IReadOnlyDictionary<int, string> current)
    {
        var events = values.Select(v => JsonDocument.Parse(v).RootElement.GetProperty("payload").Clone())
            .Select(p => (Op: p.GetProperty("op").GetString(), Id: p.GetProperty("after").GetProperty("id").GetInt32(),
                Note: p.GetProperty("after").GetProperty("note").GetString(), Snapshot: p.GetProperty("source").GetProperty("snapshot").GetString()))
            .ToList();
        var reads = events.Where(e => e.Op == "r").ToList();
        Assert.Equal("first", reads[0].Snapshot);
        Assert.Equal("last", reads[^1].Snapshot);
        Assert.All(reads[1..^1], r => Assert.Equal("true", r.Snapshot));
        Assert.InRange(reads.Count, rows + 1, rows + written - 1);
        var pause = events.FindIndex(e => e.Op == "r");
        var creations = events.Skip(pause).Where(e => e.Op is "r" or "c").GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(rows + written, creations.Count);
        Assert.All(creations, c => Assert.Equal(1, c.Value));
        Assert.Contains(events.Skip(pause), e => e.Op == "c" && e.Id > rows); // the stream resumed
        var last = events.GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.Last().Note);
        Assert.Equal(current.Count, last.Count);
        Assert.All(current, row => Assert.Equal(row.Value, last[row.Key]));
    }
}
