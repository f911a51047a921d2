// Retired from src/ by the codec re-check (issue 12): Tributary's own implementation as it was at e269ddc, kept
// unchanged but for names so that `Tributary.Bench codecs` can keep measuring it against its replacement.
using System.Runtime.InteropServices;

namespace Tributary.Bench.Codecs.Retired;

/// <summary>
/// The parts of zstd.h we use from the system's libzstd. P/Invoke rather than a managed port:
/// libzstd1 is installed on every Debian system (apt and systemd depend on it), it is the
/// reference implementation, and no managed zstd package is available on our NuGet feed.
/// size_t is <see cref="nuint"/>; ZSTD_DStream* is an opaque <see cref="nint"/>.
/// </summary>
internal static unsafe partial class RetiredZstdNative
{
    internal const string Library = "libzstd.so.1";

    [LibraryImport(Library, EntryPoint = "ZSTD_compressBound")]
    internal static partial nuint CompressBound(nuint sourceSize);

    [LibraryImport(Library, EntryPoint = "ZSTD_compress")]
    internal static partial nuint Compress(byte* destination, nuint destinationCapacity, byte* source, nuint sourceSize, int level);

    [LibraryImport(Library, EntryPoint = "ZSTD_minCLevel")]
    internal static partial int MinCompressionLevel();

    [LibraryImport(Library, EntryPoint = "ZSTD_maxCLevel")]
    internal static partial int MaxCompressionLevel();

    [LibraryImport(Library, EntryPoint = "ZSTD_createDStream")]
    internal static partial nint CreateDStream();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeDStream")]
    internal static partial nuint FreeDStream(nint stream);

    [LibraryImport(Library, EntryPoint = "ZSTD_initDStream")]
    internal static partial nuint InitDStream(nint stream);

    /// <summary>
    /// Advances input.Pos and output.Pos. Returns 0 once a frame is fully decoded and flushed,
    /// otherwise a non-zero hint (more input or output room wanted), or an error code. After a
    /// frame completes, the next call starts decoding the next frame in the input.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "ZSTD_decompressStream")]
    internal static partial nuint DecompressStream(nint stream, ZstdOutBuffer* output, ZstdInBuffer* input);

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    internal static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    internal static partial byte* GetErrorName(nuint code);

    internal static string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)GetErrorName(code)) ?? "unknown error";
}

/// <summary>ZSTD_inBuffer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdInBuffer
{
    public byte* Source;
    public nuint Size;
    public nuint Position;
}

/// <summary>ZSTD_outBuffer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdOutBuffer
{
    public byte* Destination;
    public nuint Size;
    public nuint Position;
}
