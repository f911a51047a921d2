// Retired from src/ by the codec re-check (issue 12): Tributary's own implementation as it was at e269ddc, kept
// unchanged but for names so that `Tributary.Bench codecs` can keep measuring it against its replacement.
using System.Runtime.InteropServices;

namespace Tributary.Bench.Codecs.Retired;

/// <summary>
/// The LZ4 frame API (lz4frame.h) of the system's liblz4. P/Invoke rather than a managed port:
/// liblz4-1 is installed on every Debian system (apt and systemd depend on it), it is the
/// reference implementation, and no managed LZ4 package is available on our NuGet feed.
/// Signatures follow lz4frame.h of liblz4 1.9: size_t is <see cref="nuint"/>, unsigned is uint.
/// </summary>
internal static unsafe partial class RetiredLz4Native
{
    internal const string Library = "liblz4.so.1";

    /// <summary>LZ4F_VERSION: the API version a decompression context is created for.</summary>
    internal const uint FrameVersion = 100;

    /// <summary>LZ4F_max64KB: the block size the Java client writes.</summary>
    internal const int BlockSize64KiB = 4;

    /// <summary>LZ4F_blockIndependent: every block decodable without the previous one.</summary>
    internal const int BlockIndependent = 1;

    [LibraryImport(Library, EntryPoint = "LZ4F_compressFrameBound")]
    internal static partial nuint CompressFrameBound(nuint sourceSize, Lz4Preferences* preferences);

    [LibraryImport(Library, EntryPoint = "LZ4F_compressFrame")]
    internal static partial nuint CompressFrame(byte* destination, nuint destinationCapacity, byte* source, nuint sourceSize, Lz4Preferences* preferences);

    [LibraryImport(Library, EntryPoint = "LZ4F_createDecompressionContext")]
    internal static partial nuint CreateDecompressionContext(nint* context, uint version);

    [LibraryImport(Library, EntryPoint = "LZ4F_freeDecompressionContext")]
    internal static partial nuint FreeDecompressionContext(nint context);

    /// <summary>
    /// Consumes up to *sourceSize bytes and produces up to *destinationSize, updating both to what
    /// was actually used. Returns 0 once a frame is fully decoded and flushed, otherwise a hint of
    /// how many more input bytes it wants, or an error code.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "LZ4F_decompress")]
    internal static partial nuint Decompress(nint context, byte* destination, nuint* destinationSize, byte* source, nuint* sourceSize, void* options);

    [LibraryImport(Library, EntryPoint = "LZ4F_isError")]
    internal static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "LZ4F_getErrorName")]
    internal static partial byte* GetErrorName(nuint code);

    internal static string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)GetErrorName(code)) ?? "unknown error";
}

/// <summary>LZ4F_frameInfo_t. Zero means "default" for every field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Lz4FrameInfo
{
    public int BlockSizeId;
    public int BlockMode;
    public int ContentChecksumFlag;
    public int FrameType;
    public ulong ContentSize;
    public uint DictionaryId;
    public int BlockChecksumFlag;
}

/// <summary>LZ4F_preferences_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Lz4Preferences
{
    public Lz4FrameInfo FrameInfo;
    public int CompressionLevel;
    public uint AutoFlush;
    public uint FavorDecompressionSpeed;
    public uint Reserved0;
    public uint Reserved1;
    public uint Reserved2;
}
