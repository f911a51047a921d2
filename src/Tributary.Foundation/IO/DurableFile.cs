namespace Tributary.Foundation.IO;

/// <summary>Small files replaced atomically and durably (checkpoints, broker metadata).</summary>
public static class DurableFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="contents"/> so that after a crash the file holds
    /// either the old or the new contents in full: writes <c>path.tmp</c>, fsyncs it, renames it over the old
    /// file and fsyncs the directory.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = path + ".tmp";
        using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, contents, 0);
            NativeFile.FlushData(handle);
        }
        File.Move(temporary, path, overwrite: true);
        NativeFile.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Makes creations, renames and deletions of entries in <paramref name="directory"/> durable.</summary>
    public static void FlushDirectory(string directory) => NativeFile.FlushDirectory(directory);
}
