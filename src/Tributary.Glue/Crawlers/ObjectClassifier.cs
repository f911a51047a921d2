using System.IO.Compression;
using System.Text;

namespace Tributary.Glue.Crawlers;

/// <summary>An object's format as the crawler's built-in classifiers see it (Glue's order: avro, parquet, json, csv).</summary>
internal readonly record struct Classification(string Kind, bool Gzip)
{
    public const string Avro = "avro";
    public const string Parquet = "parquet";
    public const string Json = "json";
    public const string Csv = "csv";
}

/// <summary>
/// Classifies an object by its bytes, not its name (as Glue's classifiers do): Avro by its container magic, Parquet by
/// <c>PAR1</c> at both ends, gzip by its magic and then the decompressed start, JSON when the first character is
/// <c>{</c> or <c>[</c>, CSV when the first line is text with a delimiter (comma, tab, pipe, semicolon). Anything else is
/// unclassified, with the reason (which names the extension when the name promised a format the bytes are not). An
/// object named as a binary format (<c>.parquet</c>, <c>.avro</c>, <c>.orc</c>) whose bytes are not that format is
/// unclassified too, even when they look like text: its name says it is not a table's text.
/// </summary>
internal static class ObjectClassifier
{
    private const int SniffBytes = 4096;

    public static Classification? Classify(string path, out string? reason)
    {
        reason = null;
        var head = new byte[SniffBytes];
        int length;
        long size;
        using (var stream = File.OpenRead(path))
        {
            size = stream.Length;
            length = stream.ReadAtLeast(head, SniffBytes, throwOnEndOfStream: false);
            if (length >= 4 && head.AsSpan(0, 4).SequenceEqual("PAR1"u8))
            {
                Span<byte> tail = stackalloc byte[4];
                stream.Seek(-4, SeekOrigin.End);
                stream.ReadExactly(tail);
                if (size >= 12 && tail.SequenceEqual("PAR1"u8))
                {
                    return new Classification(Classification.Parquet, false);
                }
                reason = "a Parquet file without its footer (no PAR1 at the end)";
                return null;
            }
        }
        if (length >= 4 && head.AsSpan(0, 4).SequenceEqual("Obj\u0001"u8))
        {
            return new Classification(Classification.Avro, false);
        }
        var extension = Extension(path);
        if (extension is "Parquet" or "Avro" or "ORC")
        {
            reason = $"named as {extension}, but its bytes are not {extension}";
            return null;
        }
        var gzip = length >= 2 && head[0] == 0x1f && head[1] == 0x8b;
        var text = head.AsSpan(0, length);
        if (gzip)
        {
            try
            {
                using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
                var inflated = new byte[SniffBytes];
                text = inflated.AsSpan(0, stream.ReadAtLeast(inflated, SniffBytes, throwOnEndOfStream: false));
            }
            catch (InvalidDataException e)
            {
                reason = "gzip data that cannot be decompressed: " + e.Message;
                return null;
            }
        }
        var kind = TextKind(text);
        if (kind is not null)
        {
            return new Classification(kind, gzip);
        }
        reason = extension.Length > 0
            ? $"its bytes are not {extension} (nor any format the crawler classifies: avro, parquet, json, csv)"
            : "its bytes are no format the crawler classifies (avro, parquet, json, csv)";
        return null;
    }

    private static string? TextKind(ReadOnlySpan<byte> text)
    {
        if (text.Length >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF)
        {
            text = text[3..];
        }
        var start = 0;
        while (start < text.Length && text[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }
        if (start == text.Length)
        {
            return null;
        }
        if (text[start] is (byte)'{' or (byte)'[')
        {
            return Classification.Json;
        }
        var end = text[start..].IndexOf((byte)'\n');
        var line = end < 0 ? text[start..] : text.Slice(start, end);
        // Text only: no control characters other than tab and carriage return, valid UTF-8 (a cut multi-byte character at the end is allowed).
        foreach (var b in line)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\r'))
            {
                return null;
            }
        }
        try
        {
            new UTF8Encoding(false, true).GetString(end < 0 && line.Length > 4 ? line[..^4] : line);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        return line.IndexOfAny((byte)',', (byte)'\t', (byte)'|') >= 0 || line.IndexOf((byte)';') >= 0 ? Classification.Csv : null;
    }

    private static string Extension(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        foreach (var (suffix, format) in new[] { (".parquet", "Parquet"), (".avro", "Avro"), (".orc", "ORC"), (".json", "JSON"), (".jsonl", "JSON"), (".csv", "CSV"), (".gz", "gzip") })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) || name.Contains(suffix + ".", StringComparison.Ordinal))
            {
                return format;
            }
        }
        return "";
    }
}
