using System.IO.Compression;
using System.Security.Cryptography;
using Tributary.MskConnect.Messages;
using Tributary.ObjectStores;

namespace Tributary.MskConnect.State;

/// <summary>
/// Decides whether a custom plugin's archive holds a connector Tributary runs. The archive is read from the plugin
/// store: the embedded bucket (<c>arn:aws:s3:::NAME</c> is the embedded bucket NAME, the directory NAME under the local
/// object directory) or, with msk.connect.plugin.s3.endpoint set, the bucket NAME of that S3-compatible service. A ZIP's entries, or a JAR's own file name, are matched against <see cref="KnownJars"/>: the Java plugin
/// distributions whose connectors Tributary implements natively. A .NET assembly (<c>.dll</c>) in a ZIP is a .NET
/// plugin: the archive is extracted and handed to the workers as their plugin.path. Stateless; thread-safe.
/// </summary>
public static class PluginInspector
{
    /// <summary>The jar file name prefix (before the version) → the built-in connector classes that jar provides.</summary>
    public static readonly IReadOnlyList<(string JarPrefix, string[] ConnectorClasses)> KnownJars =
    [
        ("debezium-connector-mysql-", ["io.debezium.connector.mysql.MySqlConnector"]),
        ("debezium-connector-postgres-", ["io.debezium.connector.postgresql.PostgresConnector"]),
        ("kafka-connect-s3-", ["io.confluent.connect.s3.S3SinkConnector"]),
        ("kafka-connect-datagen-", ["io.confluent.kafka.connect.datagen.DatagenConnector"]),
        ("connect-file-", ["org.apache.kafka.connect.file.FileStreamSourceConnector", "org.apache.kafka.connect.file.FileStreamSinkConnector"]),
    ];

    /// <summary>The outcome: the connector classes found (empty with a failure message when none).</summary>
    public sealed record Result(List<string> ConnectorClasses, string? PluginPath, string? FileMd5, long? FileSize, StateDescription? Failure);

    /// <summary>Reads and inspects the archive; <paramref name="extractTo"/> receives a .NET plugin's files.</summary>
    public static async Task<Result> InspectAsync(IObjectStore store, StoredPluginRevision revision, string extractTo)
    {
        var bucket = revision.BucketArn["arn:aws:s3:::".Length..];
        var where = $"s3://{bucket}/{revision.FileKey}";
        byte[] bytes;
        try
        {
            await using var stream = await store.OpenReadAsync(bucket, revision.FileKey).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy).ConfigureAwait(false);
            bytes = copy.ToArray();
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Failed(null, null, "S3_OBJECT_NOT_FOUND", $"The plugin file {where} cannot be read: {e.Message}");
        }
        // An S3-compatible store's other failures (refused connections, access denied after its retries) are the
        // store's own exception types, which this project does not see: any non-cancellation failure is unreadable.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(null, null, "S3_OBJECT_NOT_READABLE", $"The plugin file {where} cannot be read: {e.Message}");
        }
        var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
        List<string> names;
        if (revision.ContentType == "JAR")
        {
            names = [Path.GetFileName(revision.FileKey)];
        }
        else
        {
            try
            {
                using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
                names = [.. zip.Entries.Where(e => e.Name.Length > 0).Select(e => e.FullName)];
            }
            catch (InvalidDataException e)
            {
                return Failed(md5, bytes.Length, "INVALID_ZIP", $"The plugin file {where} is not a ZIP archive: {e.Message}");
            }
        }
        var classes = new List<string>();
        foreach (var name in names)
        {
            var file = Path.GetFileName(name);
            foreach (var (prefix, connectorClasses) in KnownJars)
            {
                if (file.StartsWith(prefix, StringComparison.Ordinal) && file.EndsWith(".jar", StringComparison.Ordinal))
                {
                    classes.AddRange(connectorClasses.Where(c => !classes.Contains(c)));
                }
            }
        }
        string? pluginPath = null;
        if (revision.ContentType == "ZIP" && names.Any(n => n.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)))
        {
            Directory.CreateDirectory(extractTo);
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            zip.ExtractToDirectory(extractTo, overwriteFiles: true);
            pluginPath = extractTo;
        }
        if (classes.Count == 0 && pluginPath is null)
        {
            var found = names.Count == 0 ? "nothing" : string.Join(", ", names.Take(20)) + (names.Count > 20 ? $" and {names.Count - 20} more" : "");
            var known = string.Join(", ", KnownJars.Select(k => k.JarPrefix + "*.jar"));
            return Failed(md5, bytes.Length, "UNSUPPORTED_PLUGIN",
                $"The plugin file {where} contains no connector this server implements: found {found}; known are {known} and .NET plugin assemblies (*.dll).");
        }
        return new Result(classes, pluginPath, md5, bytes.Length, null);
    }

    private static Result Failed(string? md5, long? size, string code, string message) => new([], null, md5, size, new StateDescription(code, message));
}
