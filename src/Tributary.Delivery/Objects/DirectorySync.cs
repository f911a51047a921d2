using System.Runtime.InteropServices;

namespace Tributary.Delivery.Objects;

/// <summary>
/// fsync on a directory, which .NET does not expose: after a rename or a new file, the directory entry itself must reach
/// the disk or a power loss can forget the name even though the data was flushed.
/// </summary>
internal static partial class DirectorySync
{
    private const int OpenReadOnly = 0;
    private const int OpenDirectory = 0x10000; // O_DIRECTORY on Linux x86-64 and arm64.

    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var fd = Open(path, OpenReadOnly | OpenDirectory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {path} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {path} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
