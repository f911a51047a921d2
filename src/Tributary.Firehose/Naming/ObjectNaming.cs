using System.Text;
using Tributary.Delivery.Compression;
using Tributary.Delivery.Naming;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Naming;

/// <summary>
/// How one destination names its objects, exactly as Firehose: the validated Prefix and ErrorOutputPrefix templates,
/// the zone and the file extension. Keys are <c>&lt;evaluated prefix&gt;&lt;stream&gt;-&lt;version&gt;-&lt;yyyy-MM-dd-HH-mm-ss&gt;-&lt;id&gt;&lt;extension&gt;</c>
/// (docs: s3-object-name.html), where the timestamp is the same instant as the prefix's (the arrival time of the oldest
/// record in the object) in the same zone: "the time zone used for time prefix and suffix" is CustomTimeZone (UTC
/// by default). Immutable and thread-safe.
/// <para>Rules applied by <see cref="Create(string, S3DestinationDefinition)"/> (docs: s3-prefixes.html "Semantic rules",
/// dynamic-partitioning.html):</para>
/// <list type="bullet">
/// <item>A null or empty Prefix is the default, which evaluates to <c>yyyy/MM/dd/HH/</c>.</item>
/// <item>Without dynamic partitioning, a Prefix with no timestamp expression gets <c>!{timestamp:yyyy/MM/dd/HH/}</c>
/// appended. With dynamic partitioning nothing is appended (the documented example key is the partition-key prefix
/// followed directly by the object name).</item>
/// <item>ErrorOutputPrefix can be null or empty only if Prefix has no expressions and dynamic partitioning is off. Then
/// failed records go under <c>&lt;Prefix&gt;&lt;error-output-type&gt;/yyyy/MM/dd/HH/</c> (the docs' example
/// <c>myFirehosePrefix/processing-failed/2018/08/27/</c>; their rule text omits the slash after the type, their example
/// has it).</item>
/// <item>An ErrorOutputPrefix that has expressions must include <c>!{firehose:error-output-type}</c> (a purely literal
/// one is used as given); it gets no timestamp appended (docs example 1).</item>
/// <item>Dynamic partitioning requires a non-empty Prefix and an ErrorOutputPrefix; partition-key expressions require
/// dynamic partitioning (Tributary's reading: without it there are no keys to evaluate).</item>
/// </list>
/// </summary>
public sealed class ObjectNaming
{
    /// <summary>What Firehose appends to a Prefix without a timestamp expression, and the default Prefix.</summary>
    public const string DefaultTimestampExpression = "!{timestamp:yyyy/MM/dd/HH/}";

    private static readonly JavaDateTimePattern NameTimestamp = JavaDateTimePattern.Parse("yyyy-MM-dd-HH-mm-ss");

    private ObjectNaming(string streamName, PrefixTemplate prefix, PrefixTemplate errorOutputPrefix, TimeZoneInfo zone, string extension)
    {
        StreamName = streamName;
        Prefix = prefix;
        ErrorOutputPrefix = errorOutputPrefix;
        Zone = zone;
        Extension = extension;
    }

    public string StreamName { get; }

    /// <summary>The Prefix as evaluated, defaults and the appended timestamp included.</summary>
    public PrefixTemplate Prefix { get; }

    /// <summary>The ErrorOutputPrefix as evaluated, including the default one derived from Prefix.</summary>
    public PrefixTemplate ErrorOutputPrefix { get; }

    /// <summary>CustomTimeZone, or UTC.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The extension of data objects: FileExtension when given, else derived (see <see cref="DefaultExtension"/>).</summary>
    public string Extension { get; }

    /// <summary>Naming for a stream's destination (the backup destination: use the other overload with the Backup* fields).</summary>
    public static ObjectNaming Create(string streamName, S3DestinationDefinition destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Create(streamName, destination.Prefix, destination.ErrorOutputPrefix, destination.DynamicPartitioning,
            destination.Compression, destination.FormatConversion?.Enabled == true, destination.FileExtension, destination.CustomTimeZone,
            orc: destination.FormatConversion?.OutputFormat == "ORC");
    }

    /// <summary>Validates and builds; InvalidArgumentException (<see cref="DeliveryException"/>) on any rule above.</summary>
    public static ObjectNaming Create(
        string streamName,
        string? prefix,
        string? errorOutputPrefix,
        bool dynamicPartitioning,
        CompressionFormat compression,
        bool formatConversion,
        string? fileExtension,
        string? customTimeZone,
        bool orc = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var zone = ResolveZone(customTimeZone);
        prefix ??= "";
        var given = PrefixTemplate.Parse(prefix, PrefixField.Prefix);
        if (dynamicPartitioning && prefix.Length == 0)
        {
            throw PrefixTemplate.Invalid("Prefix cannot be null or empty when dynamic partitioning is enabled");
        }
        if (!dynamicPartitioning && given.HasPartitionKeys)
        {
            throw PrefixTemplate.Invalid("Prefix can contain partitionKeyFromQuery and partitionKeyFromLambda expressions only when dynamic partitioning is enabled");
        }
        var effectivePrefix = given.HasTimestamp || dynamicPartitioning
            ? given
            : PrefixTemplate.Parse(prefix + DefaultTimestampExpression, PrefixField.Prefix);

        PrefixTemplate errors;
        if (string.IsNullOrEmpty(errorOutputPrefix))
        {
            if (dynamicPartitioning)
            {
                throw PrefixTemplate.Invalid("ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled");
            }
            if (given.HasExpressions)
            {
                throw PrefixTemplate.Invalid("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions");
            }
            errors = PrefixTemplate.Parse(prefix + "!{firehose:error-output-type}/" + DefaultTimestampExpression, PrefixField.ErrorOutputPrefix);
        }
        else
        {
            errors = PrefixTemplate.Parse(errorOutputPrefix, PrefixField.ErrorOutputPrefix);
            if (errors.HasExpressions && !errors.HasErrorOutputType)
            {
                throw PrefixTemplate.Invalid("ErrorOutputPrefix must contain at least one !{firehose:error-output-type} when it contains expressions");
            }
        }
        return new ObjectNaming(streamName, effectivePrefix, errors, zone, ExtensionFor(compression, formatConversion, fileExtension, orc));
    }

    /// <summary>
    /// CustomTimeZone as a zone: null or empty is UTC; otherwise an IANA id (Firehose's list of supported zones is
    /// IANA names such as Asia/Tokyo). InvalidArgumentException for an unknown id.
    /// </summary>
    public static TimeZoneInfo ResolveZone(string? customTimeZone)
    {
        if (string.IsNullOrEmpty(customTimeZone) || customTimeZone == "UTC")
        {
            return TimeZoneInfo.Utc;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(customTimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw DeliveryException.InvalidArgument($"CustomTimeZone '{customTimeZone}' is not a supported time zone.");
        }
    }

    /// <summary>
    /// The extension Firehose appends, from the table in s3-object-name.html ("Configure Amazon S3 object name
    /// format"): format conversion to Parquet → <c>.parquet</c>, to ORC → <c>.orc</c> (compression is then
    /// UNCOMPRESSED; the format compresses inside), GZIP → <c>.gz</c>, ZIP → <c>.zip</c>, Snappy → <c>.snappy</c>, HADOOP_SNAPPY → <c>.hsnappy</c>,
    /// UNCOMPRESSED → none. FileExtension "overrides the default file extension"; an empty one means "not given".
    /// </summary>
    public static string ExtensionFor(CompressionFormat compression, bool formatConversion, string? fileExtension, bool orc = false) =>
        !string.IsNullOrEmpty(fileExtension) ? fileExtension : DefaultExtension(compression, formatConversion, orc);

    public static string DefaultExtension(CompressionFormat compression, bool formatConversion, bool orc = false) =>
        formatConversion
            ? (orc ? ".orc" : ".parquet")
            : compression switch
            {
                CompressionFormat.Uncompressed => "",
                CompressionFormat.Gzip => ".gz",
                CompressionFormat.Zip => ".zip",
                CompressionFormat.Snappy => ".snappy",
                CompressionFormat.HadoopSnappy => ".hsnappy",
                _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown compression format"),
            };

    /// <summary>
    /// The key of a data object: the Prefix evaluated at <paramref name="instant"/> (arrival time of the object's oldest
    /// record), then the object name. <paramref name="id"/> is the caller's deterministic UUID-shaped id.
    /// </summary>
    public string DataObjectKey(int version, DateTimeOffset instant, ulong randomSeed, string id,
        IReadOnlyDictionary<string, string>? partitionKeysFromQuery = null, IReadOnlyDictionary<string, string>? partitionKeysFromLambda = null) =>
        ObjectKey(Prefix.Evaluate(new PrefixValues(instant, Zone, randomSeed, null, partitionKeysFromQuery, partitionKeysFromLambda)), version, instant, id, Extension);

    /// <summary>
    /// The key of an error object (records that failed with <paramref name="errorOutputType"/>, e.g. processing-failed).
    /// Error objects hold JSON lines whatever the data format, so no format extension is used: pass the compression's
    /// extension when they are compressed.
    /// </summary>
    public string ErrorObjectKey(string errorOutputType, int version, DateTimeOffset instant, ulong randomSeed, string id, string extension = "") =>
        ObjectKey(ErrorOutputPrefix.Evaluate(new PrefixValues(instant, Zone, randomSeed, errorOutputType)), version, instant, id, extension);

    /// <summary><c>&lt;evaluatedPrefix&gt;&lt;stream&gt;-&lt;version&gt;-&lt;yyyy-MM-dd-HH-mm-ss&gt;-&lt;id&gt;&lt;extension&gt;</c>.</summary>
    public string ObjectKey(string evaluatedPrefix, int version, DateTimeOffset instant, string id, string extension)
    {
        var key = new StringBuilder(evaluatedPrefix.Length + StreamName.Length + id.Length + extension.Length + 32);
        key.Append(evaluatedPrefix).Append(StreamName).Append('-').Append(version).Append('-');
        NameTimestamp.FormatTo(key, ZonedInstant.Create(instant, Zone));
        key.Append('-').Append(id).Append(extension);
        return key.ToString();
    }
}
