using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Reader;

/// <summary>
/// Reads a whole ORC file held in memory: the tail (PostScript, Footer, Metadata), then each stripe's footer and
/// streams, decoding every column of a stripe at once into row values (<see cref="OrcStruct"/>, lists, maps as
/// key/value pairs, <see cref="OrcUnion"/>, long, bool, float, double, string, byte[], <see cref="OrcDecimal"/>,
/// <see cref="DateOnly"/>, <see cref="OrcTimestamp"/>; null for a null value). Meant for tests, the
/// <c>tributary orc</c> command and the catalog's crawler, not for bulk analytics. Every malformed input — truncated,
/// lengths that point outside the file, streams that end early, encodings the type does not allow — is an
/// <see cref="OrcFormatException"/>. Not thread-safe.
/// </summary>
public sealed class OrcReader : IDisposable
{
    /// <summary>The largest tail (footer + metadata) this reader accepts, a bound against lengths read from a corrupt PostScript.</summary>
    private const int MaxTailBytes = 256 * 1024 * 1024;

    private readonly byte[] _file;
    private readonly OrcCodec _codec;
    private List<List<ColumnStatistics>>? _stripeStatistics;
    private readonly ulong _metadataOffset;

    public OrcReader(byte[] file)
    {
        _file = file;
        if (file.Length == 0)
        {
            throw new OrcFormatException("Not an ORC file: it is empty.");
        }
        if (file.Length < 4)
        {
            throw new OrcFormatException($"Not an ORC file: {file.Length} bytes is too short for a file tail.");
        }
        var postScriptLength = file[^1];
        if (postScriptLength == 0 || postScriptLength >= file.Length)
        {
            throw new OrcFormatException($"Not an ORC file: the PostScript length {postScriptLength} does not fit in {file.Length} bytes.");
        }
        PostScript = MetadataCodec.ReadPostScript(file.AsSpan(file.Length - 1 - postScriptLength, postScriptLength));
        if (PostScript.Magic != "ORC" && !file.AsSpan().StartsWith("ORC"u8))
        {
            throw new OrcFormatException("Not an ORC file: neither the PostScript nor the header carries the magic 'ORC'.");
        }
        if (PostScript.Checksum is { } checksum)
        {
            var actual = System.IO.Hashing.Crc32.HashToUInt32(file.AsSpan(0, file.Length - 1 - postScriptLength));
            if (actual != checksum)
            {
                throw new OrcFormatException($"Corrupt ORC file: the CRC-32 of its {file.Length - 1 - postScriptLength} bytes before the PostScript is {actual:x8}, the PostScript says {checksum:x8}.");
            }
        }
        if (PostScript.Version.Count >= 1 && PostScript.Version[0] != 0)
        {
            throw new OrcFormatException($"Unsupported ORC file version {string.Join('.', PostScript.Version)}: this reader knows 0.11 and 0.12.");
        }
        var blockSize = PostScript.CompressionBlockSize == 0 ? 256 * 1024 : PostScript.CompressionBlockSize;
        if (blockSize > OrcCodec.MaxChunkLength)
        {
            throw new OrcFormatException($"Malformed ORC PostScript: compression block size {blockSize} exceeds {OrcCodec.MaxChunkLength}.");
        }
        if (!Enum.IsDefined(PostScript.Compression))
        {
            throw new OrcFormatException($"Unsupported ORC compression kind {(int)PostScript.Compression}.");
        }
        _codec = new OrcCodec(PostScript.Compression, (int)blockSize);
        var tailEnd = (ulong)(file.Length - 1 - postScriptLength);
        if (PostScript.FooterLength > tailEnd || PostScript.MetadataLength > tailEnd - PostScript.FooterLength || PostScript.FooterLength + PostScript.MetadataLength > MaxTailBytes)
        {
            throw new OrcFormatException($"Malformed ORC file: footer ({PostScript.FooterLength} bytes) and metadata ({PostScript.MetadataLength} bytes) do not fit before the PostScript ({tailEnd} bytes).");
        }
        var footerOffset = tailEnd - PostScript.FooterLength;
        _metadataOffset = footerOffset - PostScript.MetadataLength;
        Footer = MetadataCodec.ReadFooter(_codec.Decompress(file.AsSpan((int)footerOffset, (int)PostScript.FooterLength), "footer"));
        if (Footer.HasEncryption)
        {
            throw new OrcFormatException("Unsupported ORC file: it uses column encryption.");
        }
        Schema = TypeDescription.FromOrcTypes(Footer.Types);
        Columns = Schema.Flatten();
        ulong rows = 0;
        foreach (var stripe in Footer.Stripes)
        {
            var length = stripe.IndexLength + stripe.DataLength + stripe.FooterLength;
            if (stripe.Offset > _metadataOffset || length > _metadataOffset - stripe.Offset || stripe.IndexLength > length || stripe.DataLength > length || stripe.FooterLength > length)
            {
                throw new OrcFormatException($"Malformed ORC footer: stripe at {stripe.Offset} of {length} bytes lies outside the file's data ({_metadataOffset} bytes).");
            }
            rows += stripe.NumberOfRows;
        }
        if (rows != Footer.NumberOfRows)
        {
            throw new OrcFormatException($"Malformed ORC footer: the stripes hold {rows} rows, the footer says {Footer.NumberOfRows}.");
        }
    }

    public static OrcReader Open(string path) => new(System.IO.File.ReadAllBytes(path));

    public PostScript PostScript { get; }

    public Footer Footer { get; }

    public TypeDescription Schema { get; }

    /// <summary>Every column in id order.</summary>
    public IReadOnlyList<TypeDescription> Columns { get; }

    public long NumberOfRows => (long)Footer.NumberOfRows;

    /// <summary>Per-stripe column statistics from the Metadata section (empty when the file has none).</summary>
    public List<List<ColumnStatistics>> StripeStatistics => _stripeStatistics ??= PostScript.MetadataLength == 0
        ? []
        : MetadataCodec.ReadMetadata(_codec.Decompress(_file.AsSpan((int)_metadataOffset, (int)PostScript.MetadataLength), "metadata"));

    /// <summary>All rows, stripe by stripe.</summary>
    public IEnumerable<object?> ReadRows()
    {
        for (var i = 0; i < Footer.Stripes.Count; i++)
        {
            foreach (var row in ReadStripe(i))
            {
                yield return row;
            }
        }
    }

    /// <summary>The rows of one stripe.</summary>
    public object?[] ReadStripe(int index) => OpenStripe(index).ReadAll();

    /// <summary>A stripe's footer and stream layout, for structural checks and row-group seeks.</summary>
    public StripeData OpenStripe(int index)
    {
        var stripe = Footer.Stripes[index];
        var footerStart = checked((int)(stripe.Offset + stripe.IndexLength + stripe.DataLength));
        var footer = MetadataCodec.ReadStripeFooter(_codec.Decompress(_file.AsSpan(footerStart, (int)stripe.FooterLength), $"stripe {index} footer"));
        return new StripeData(this, index, stripe, footer);
    }

    internal byte[] File => _file;

    internal OrcCodec Codec => _codec;

    public void Dispose() => _codec.Dispose();
}
