using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;

namespace Tributary.Connect.Storage;

/// <summary>
/// Kafka's <c>org.apache.kafka.connect.storage.StringConverter</c>: writes any value's text (Java's
/// <c>toString</c> forms) in <c>converter.encoding</c> (UTF-8 by default), reads bytes as an optional string.
/// MSK Connect's default key and value converter. Also a header converter. Stateless after configuration.
/// </summary>
[ConnectPlugin("org.apache.kafka.connect.storage.StringConverter")]
public sealed class StringConverter : IConverter, IHeaderConverter
{
    public const string EncodingConfig = "converter.encoding";

    private Encoding _encoding = new UTF8Encoding(false);

    /// <summary>Whether the encoding writes a byte-order mark first (Java's UTF-16); those take the array path.</summary>
    private bool _hasPreamble;

    public ConfigDef Config => ConfigDef();

    public static ConfigDef ConfigDef() =>
        ConverterConfig.NewConfigDef().Define(EncodingConfig, ConfigType.String, "UTF-8", Importance.High,
            "The name of the Java character set to use for encoding strings as byte arrays.", group: "Converter", orderInGroup: 0, width: Width.Medium, displayName: "Encoding");

    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey) =>
        Configure(ConverterConfig.WithType(configs, isKey ? ConverterConfig.Key : ConverterConfig.Value));

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        var withType = configs.ContainsKey(ConverterConfig.TypeConfig) ? configs : ConverterConfig.WithType(configs, ConverterConfig.Header);
        var config = new AbstractConfig(ConfigDef(), withType);
        _encoding = JavaCharsets.Get(config.GetString(EncodingConfig)!);
        _hasPreamble = !_encoding.Preamble.IsEmpty;
    }

    public byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value) =>
        value is null ? null : JavaCharsets.Encode(_encoding, JavaText.ToString(value));

    /// <summary>
    /// Encodes the text straight into <paramref name="output"/>: no array per record on the source path. Compiled
    /// optimised from its first call, as the source task's per-record loop that calls it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value, IBufferWriter<byte> output)
    {
        if (value is null)
        {
            return -1;
        }
        var text = JavaText.ToString(value);
        if (_hasPreamble)
        {
            var bytes = JavaCharsets.Encode(_encoding, text);
            output.Write(bytes);
            return bytes.Length;
        }
        var written = _encoding.GetBytes(text, output.GetSpan(_encoding.GetMaxByteCount(text.Length)));
        output.Advance(written);
        return written;
    }

    public SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value) =>
        new(Schema.OptionalString, value is null ? null : JavaCharsets.Decode(_encoding, value));

    public byte[]? FromConnectHeader(string topic, string headerKey, Schema? schema, object? value) => FromConnectData(topic, null, schema, value);

    public SchemaAndValue ToConnectHeader(string topic, string headerKey, byte[]? value) => ToConnectData(topic, null, value);

    public void Dispose()
    {
    }
}

/// <summary>Java's <c>String.valueOf</c> of Connect values (what StringConverter writes).</summary>
public static class JavaText
{
    public static string ToString(object value) => value switch
    {
        string s => s,
        double d => Json.JavaNumberText.Format(d),
        float f => Json.JavaNumberText.Format(f),
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}

/// <summary>Java charset names → .NET encodings (the ones Java guarantees, plus UTF-32).</summary>
public static class JavaCharsets
{
    public static Encoding Get(string name) => name.ToUpperInvariant().Replace('_', '-') switch
    {
        "UTF-8" or "UTF8" => new UTF8Encoding(false),
        "UTF-16" or "UTF16" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        "UTF-16BE" => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
        "UTF-16LE" => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
        "UTF-32" or "UTF-32BE" => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
        "UTF-32LE" => new UTF32Encoding(bigEndian: false, byteOrderMark: false),
        "US-ASCII" or "ASCII" => Encoding.ASCII,
        "ISO-8859-1" or "ISO8859-1" or "LATIN1" => Encoding.Latin1,
        _ => throw new ConfigException("converter.encoding", name, "Unsupported charset"),
    };

    /// <summary>Encodes as Java does: its UTF-16 encoder starts with the big-endian byte-order mark.</summary>
    public static byte[] Encode(Encoding encoding, string text)
    {
        var preamble = encoding.GetPreamble();
        if (preamble.Length == 0)
        {
            return encoding.GetBytes(text);
        }
        var bytes = new byte[preamble.Length + encoding.GetByteCount(text)];
        preamble.CopyTo(bytes, 0);
        encoding.GetBytes(text, 0, text.Length, bytes, preamble.Length);
        return bytes;
    }

    /// <summary>Decodes as Java does; Java's UTF-16 encoder writes a big-endian byte-order mark, its decoder honours one.</summary>
    public static string Decode(Encoding encoding, byte[] bytes)
    {
        if (encoding is UnicodeEncoding && encoding.GetPreamble().Length > 0 && bytes.Length >= 2)
        {
            if (bytes[0] == 0xFE && bytes[1] == 0xFF)
            {
                return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
            }
            if (bytes[0] == 0xFF && bytes[1] == 0xFE)
            {
                return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
            }
        }
        return encoding.GetString(bytes);
    }
}
