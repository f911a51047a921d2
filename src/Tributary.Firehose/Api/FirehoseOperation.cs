using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>
/// Base of the operation handlers (one per file in Handlers/): the stream registry, the request shapes several
/// operations share (stream name, tags, encryption input) and the translation of the registry's
/// <see cref="DeliveryException"/> into the AWS error the client receives. Handlers are stateless and thread-safe.
/// </summary>
public abstract class FirehoseOperation(IDeliveryStreams streams, FirehoseOptions options) : IAwsOperation
{
    protected IDeliveryStreams Streams { get; } = streams;

    protected FirehoseOptions Options { get; } = options;

    public abstract string Name { get; }

    /// <summary>The input shape's members in the service model's order (lower-camel): the order AWS reports violations in.</summary>
    public virtual IReadOnlyList<string> InputMembers { get; } = [];

    /// <summary>A validation reporting in <see cref="InputMembers"/> order.</summary>
    protected AwsValidation NewValidation() => new(InputMembers);

    public async ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        try
        {
            await ExecuteCoreAsync(request, response).ConfigureAwait(false);
        }
        catch (DeliveryException e)
        {
            throw FirehoseErrors.From(e);
        }
    }

    /// <summary>The operation; <see cref="DeliveryException"/>s it lets escape become AWS errors of the same type.</summary>
    protected abstract ValueTask ExecuteCoreAsync(AwsRequest request, AwsResponseWriter response);

    /// <summary>Reads DeliveryStreamName (required, 1–64 of <c>[a-zA-Z0-9_.-]</c>), adding violations to <paramref name="validation"/>.</summary>
    protected static string? ReadStreamName(JsonElement body, AwsValidation validation)
    {
        var name = body.GetString("DeliveryStreamName");
        validation.Required(name, "deliveryStreamName");
        ValidateStreamName(validation, name, "deliveryStreamName");
        return name;
    }

    public static void ValidateStreamName(AwsValidation validation, string? name, string path) =>
        validation.Length(name, 1, 64, path).Pattern(name, FirehoseShapes.DeliveryStreamName(), FirehoseShapes.DeliveryStreamNamePattern, path);

    /// <summary>The stream's description, or ResourceNotFoundException.</summary>
    protected DeliveryStreamDescription Describe(string name) =>
        Streams.Describe(name) ?? throw FirehoseErrors.StreamNotFound(name, Options);

    /// <summary>DeliveryStreamEncryptionConfigurationInput{KeyType*, KeyARN}: a customer-managed key needs its ARN, an AWS-owned one must not have one.</summary>
    internal static void ReadEncryptionInput(JsonElement body, AwsValidation validation, List<string> invalid)
    {
        if (body.GetElement("DeliveryStreamEncryptionConfigurationInput", JsonValueKind.Object) is not { } input)
        {
            return;
        }
        const string path = "deliveryStreamEncryptionConfigurationInput";
        var keyType = input.GetString("KeyType");
        var keyArn = input.GetString("KeyARN");
        // The model declares KeyARN before KeyType: violations are listed in that order.
        validation.Length(keyArn, 1, 512, path + ".keyARN").Pattern(keyArn, FirehoseShapes.KmsKeyArn(), FirehoseShapes.KmsKeyArnPattern, path + ".keyARN");
        validation.Required(keyType, path + ".keyType").Enum(keyType, FirehoseShapes.KeyTypes, path + ".keyType");
        if (keyType == "CUSTOMER_MANAGED_CMK" && keyArn is null)
        {
            invalid.Add("KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.");
        }
        else if (keyType == "AWS_OWNED_CMK" && keyArn is not null)
        {
            invalid.Add("KeyARN must not be specified when KeyType is AWS_OWNED_CMK.");
        }
    }

    /// <summary>
    /// Tags: a list of {Key*, Value} (1–50), keys 1–128 not starting with <c>aws:</c>, values 0–256, no key twice. The
    /// list's own length is checked before its elements, as AWS walks the model.
    /// </summary>
    internal static List<KeyValuePair<string, string>>? ReadTags(JsonElement body, AwsValidation validation, List<string> invalid)
    {
        if (body.GetElement("Tags", JsonValueKind.Array) is not { } list)
        {
            return null;
        }
        var items = new List<(string? Key, string? Value)>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw AwsRequestReader.WrongType("Tags", "a list of structures", item);
            }
            items.Add((item.GetString("Key"), item.GetString("Value")));
        }
        validation.Count(items.Count, 1, 50, "tags", "[" + string.Join(", ", items.Select(t => "Tag(key=" + t.Key + ", value=" + t.Value + ")")) + "]");
        var tags = new List<KeyValuePair<string, string>>();
        for (var index = 0; index < items.Count; index++)
        {
            var (key, value) = items[index];
            var path = FirehoseDefinitions.Index("tags", index + 1) + ".";
            validation.Required(key, path + "key").Length(key, 1, 128, path + "key").Pattern(key, FirehoseShapes.TagKey(), FirehoseShapes.TagKeyPattern, path + "key");
            validation.Length(value, 0, 256, path + "value").Pattern(value, FirehoseShapes.TagValue(), FirehoseShapes.TagValuePattern, path + "value");
            if (key is null)
            {
                continue;
            }
            if (tags.Exists(t => t.Key == key))
            {
                invalid.Add($"Duplicate tag key '{key}'.");
            }
            tags.Add(new(key, value ?? ""));
        }
        return tags;
    }

    /// <summary>Throws the collected ValidationException, then the first InvalidArgumentException (AWS validates members first).</summary>
    internal static void ThrowIfAny(AwsValidation validation, List<string> invalid)
    {
        validation.ThrowIfAny();
        if (invalid.Count > 0)
        {
            throw AwsErrorException.InvalidArgument(invalid[0]);
        }
    }
}
