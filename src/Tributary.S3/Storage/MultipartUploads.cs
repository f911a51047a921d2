using System.Globalization;
using System.Text.Json;
using Tributary.Foundation.IO;

namespace Tributary.S3.Storage;

/// <summary>One multipart upload in progress.</summary>
public sealed record MultipartUpload(string UploadId, string Bucket, string Key, DateTimeOffset Initiated, string ContentType, IReadOnlyDictionary<string, string> UserMetadata);

/// <summary>One uploaded part: its number, ETag (quoted MD5), size, time and file.</summary>
public sealed record UploadedPart(int Number, string ETag, long Size, DateTimeOffset LastModified, string Path);

/// <summary>
/// Multipart uploads staged under <c>&lt;area&gt;/&lt;uploadId&gt;/</c>: <c>upload.json</c> (bucket, key, initiation time,
/// Content-Type, user metadata; written durably) and one file per part named <c>NNNNN-&lt;md5 hex&gt;</c>, so a part's
/// ETag is in its name and a part is added by one rename. A part uploaded again under the same number replaces the
/// older file. Parts are not fsynced (the completed object is, by the store's put): a machine crash may lose parts of
/// an unfinished upload, which the client then uploads again. Upload ids are 32 hex digits (a random GUID), checked
/// before any path is built from one. Thread-safe; a completion takes the upload away first (a directory rename), so
/// two completions of one upload cannot both succeed.
/// </summary>
public sealed class MultipartUploads
{
    private const string UploadFile = "upload.json";
    private readonly string _area;

    public MultipartUploads(string area)
    {
        _area = area;
        Directory.CreateDirectory(area);
    }

    public MultipartUpload Create(string bucket, string key, string contentType, IReadOnlyDictionary<string, string> userMetadata)
    {
        var upload = new MultipartUpload(Guid.NewGuid().ToString("N"), bucket, key, DateTimeOffset.UtcNow, contentType, userMetadata);
        var directory = Path.Combine(_area, upload.UploadId);
        Directory.CreateDirectory(directory);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteString("bucket", bucket);
            writer.WriteString("key", key);
            writer.WriteNumber("initiatedMs", upload.Initiated.ToUnixTimeMilliseconds());
            writer.WriteString("contentType", contentType);
            writer.WriteStartObject("userMetadata");
            foreach (var (name, value) in userMetadata)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        DurableFile.WriteAtomically(Path.Combine(directory, UploadFile), buffer.ToArray());
        return upload;
    }

    /// <summary>The upload of a bucket and key, or null (NoSuchUpload) when the id is unknown or belongs to another object.</summary>
    public MultipartUpload? Find(string uploadId, string bucket, string key)
    {
        var upload = Read(uploadId);
        return upload is not null && upload.Bucket == bucket && upload.Key == key ? upload : null;
    }

    /// <summary>The uploads in progress in a bucket, by key then initiation time.</summary>
    public List<MultipartUpload> List(string bucket)
    {
        var uploads = new List<MultipartUpload>();
        foreach (var directory in Directory.EnumerateDirectories(_area))
        {
            if (Read(Path.GetFileName(directory)) is { } upload && upload.Bucket == bucket)
            {
                uploads.Add(upload);
            }
        }
        uploads.Sort(static (left, right) => string.CompareOrdinal(left.Key, right.Key) is var byKey and not 0 ? byKey : left.Initiated.CompareTo(right.Initiated));
        return uploads;
    }

    /// <summary>Moves a spooled part into the upload (replacing an earlier part of that number); false when the upload is gone.</summary>
    public bool AddPart(MultipartUpload upload, int number, string spoolPath, byte[] md5)
    {
        var directory = Path.Combine(_area, upload.UploadId);
        var name = PartPrefix(number) + Convert.ToHexStringLower(md5);
        try
        {
            File.Move(spoolPath, Path.Combine(directory, name), overwrite: true);
        }
        catch (DirectoryNotFoundException)
        {
            File.Delete(spoolPath);
            return false;
        }
        foreach (var older in Directory.EnumerateFiles(directory, PartPrefix(number) + "*"))
        {
            if (Path.GetFileName(older) != name)
            {
                File.Delete(older);
            }
        }
        return true;
    }

    /// <summary>The parts uploaded so far, by number.</summary>
    public List<UploadedPart> Parts(MultipartUpload upload) => PartsIn(Path.Combine(_area, upload.UploadId));

    /// <summary>Deletes the upload and its parts; false when it was not there.</summary>
    public bool Abort(MultipartUpload upload)
    {
        try
        {
            Directory.Delete(Path.Combine(_area, upload.UploadId), recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Takes the upload away for completion (renamed out of the listing), returning its parts' directory; null when it
    /// is gone or another completion took it. The caller deletes the directory (<see cref="Finish"/>) or gives it back
    /// (<see cref="Restore"/>) when the completion request was invalid.
    /// </summary>
    public string? Take(MultipartUpload upload)
    {
        var directory = Path.Combine(_area, upload.UploadId);
        var taken = Path.Combine(_area, ".completing-" + upload.UploadId);
        try
        {
            Directory.Move(directory, taken);
            return taken;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    public void Restore(MultipartUpload upload, string taken) => Directory.Move(taken, Path.Combine(_area, upload.UploadId));

    public static void Finish(string taken) => Directory.Delete(taken, recursive: true);

    public static List<UploadedPart> PartsIn(string directory)
    {
        var parts = new List<UploadedPart>();
        if (!Directory.Exists(directory))
        {
            return parts;
        }
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
        {
            var name = file.Name;
            if (name.Length == 6 + 32 && name[5] == '-' && int.TryParse(name.AsSpan(0, 5), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                parts.Add(new UploadedPart(number, "\"" + name[6..] + "\"", file.Length, file.LastWriteTimeUtc, file.FullName));
            }
        }
        parts.Sort(static (left, right) => left.Number.CompareTo(right.Number));
        return parts;
    }

    private static string PartPrefix(int number) => number.ToString("D5", CultureInfo.InvariantCulture) + "-";

    private MultipartUpload? Read(string uploadId)
    {
        if (uploadId.Length != 32 || !uploadId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_area, uploadId, UploadFile)));
            var root = document.RootElement;
            var user = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.GetProperty("userMetadata").EnumerateObject())
            {
                user[property.Name] = property.Value.GetString() ?? "";
            }
            return new MultipartUpload(uploadId, root.GetProperty("bucket").GetString()!, root.GetProperty("key").GetString()!,
                DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("initiatedMs").GetInt64()), root.GetProperty("contentType").GetString()!, user);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
