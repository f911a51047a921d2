using System.Runtime.InteropServices;

namespace Tributary.ObjectStores;

/// <summary>link(2), which .NET does not expose: a second name for a file, so a put on the same file system needs no copy.</summary>
internal static partial class HardLink
{
    /// <summary>
    /// Creates <paramref name="link"/> as a second name of <paramref name="existing"/>. False (nothing created) when the
    /// system or file system cannot (not Linux, another file system, no link support); the caller then copies.
    /// </summary>
    public static bool TryCreate(string existing, string link)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        return Link(existing, link) == 0;
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
