using System.Globalization;
using System.Text.Json;
using Tributary.Aws;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>
/// ProcessingConfiguration{Enabled, Processors[{Type*, Parameters[{ParameterName*, ParameterValue*}]}]}: types and
/// parameter names against Firehose's enums (ValidationException), then which parameters each type takes and their
/// values (InvalidArgumentException). A Lambda's LambdaArn is a Lambda function ARN, which the server maps to a
/// transformation endpoint through its configuration, or (Tributary's extension) the http:// or https:// URL of the
/// endpoint itself.
/// </summary>
internal static class ProcessingReader
{
    /// <summary>Parameters each processor type accepts; the required ones are listed in <see cref="Required"/>.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["RecordDeAggregation"] = ["SubRecordType", "Delimiter"],
        ["Decompression"] = ["CompressionFormat"],
        ["CloudWatchLogProcessing"] = ["DataMessageExtraction"],
        ["Lambda"] = ["LambdaArn", "NumberOfRetries", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds"],
        ["MetadataExtraction"] = ["MetadataExtractionQuery", "JsonParsingEngine"],
        ["AppendDelimiterToRecord"] = ["Delimiter"],
    };

    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["RecordDeAggregation"] = ["SubRecordType"],
        ["Lambda"] = ["LambdaArn"],
        ["MetadataExtraction"] = ["MetadataExtractionQuery", "JsonParsingEngine"],
    };

    public static ProcessingDefinition Read(JsonElement configuration, string path, AwsValidation validation, List<string> invalid)
    {
        var enabled = configuration.GetBoolean("Enabled");
        var processors = new List<ProcessorDefinition>();
        if (configuration.GetElement("Processors", JsonValueKind.Array) is { } list)
        {
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw AwsRequestReader.WrongType("Processors", "a list of structures", item);
                }
                if (ReadProcessor(item, FirehoseDefinitions.Index(path + ".processors", index), validation, invalid) is { } processor)
                {
                    processors.Add(processor);
                }
            }
        }
        // Firehose's Enabled has no documented default; processors given without it are taken as meant to run.
        return new ProcessingDefinition { Enabled = enabled ?? processors.Count > 0, Processors = processors };
    }

    private static ProcessorDefinition? ReadProcessor(JsonElement item, string path, AwsValidation validation, List<string> invalid)
    {
        var type = item.GetString("Type");
        validation.Required(type, path + ".type").Enum(type, FirehoseShapes.ProcessorTypes, path + ".type");
        var parameters = new List<KeyValuePair<string, string>>();
        if (item.GetElement("Parameters", JsonValueKind.Array) is { } list)
        {
            var index = 0;
            foreach (var parameter in list.EnumerateArray())
            {
                index++;
                if (parameter.ValueKind != JsonValueKind.Object)
                {
                    throw AwsRequestReader.WrongType("Parameters", "a list of structures", parameter);
                }
                var parameterPath = FirehoseDefinitions.Index(path + ".parameters", index);
                var name = parameter.GetString("ParameterName");
                var value = parameter.GetString("ParameterValue");
                validation.Required(name, parameterPath + ".parameterName").Enum(name, FirehoseShapes.ProcessorParameterNames, parameterPath + ".parameterName");
                validation.Required(value, parameterPath + ".parameterValue").Length(value, 1, 5120, parameterPath + ".parameterValue")
                    .Pattern(value, FirehoseShapes.NonEmptyString(), FirehoseShapes.NonEmptyStringPattern, parameterPath + ".parameterValue");
                if (name is not null && value is not null)
                {
                    parameters.Add(new(name, value));
                }
            }
        }
        if (type is null || !Allowed.TryGetValue(type, out var allowed))
        {
            return null;
        }
        var processor = new ProcessorDefinition { Type = type, Parameters = parameters };
        foreach (var (name, value) in parameters)
        {
            if (!FirehoseShapes.ProcessorParameterNames.Contains(name))
            {
                continue;
            }
            if (!allowed.Contains(name))
            {
                invalid.Add($"Processor {type} does not take the parameter {name} (it takes {string.Join(", ", allowed)}).");
            }
            else if (parameters.Count(p => p.Key == name) > 1)
            {
                invalid.Add($"Processor {type} has the parameter {name} more than once.");
            }
            else if (CheckValue(type, name, value, processor) is { } problem)
            {
                invalid.Add(problem);
            }
        }
        foreach (var name in Required.GetValueOrDefault(type, []))
        {
            if (processor.Parameter(name) is null)
            {
                invalid.Add($"Processor {type} requires the parameter {name}.");
            }
        }
        return processor;
    }

    /// <summary>A problem with one parameter's value, or null.</summary>
    private static string? CheckValue(string type, string name, string value, ProcessorDefinition processor)
    {
        switch (name)
        {
            case "LambdaArn":
                return IsEndpointUrl(value) || FirehoseShapes.LambdaArn().IsMatch(value)
                    ? null
                    : $"LambdaArn '{value}' must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or the http:// or https:// URL of a transformation endpoint.";
            case "NumberOfRetries":
                return IsInteger(value, 0, 300) ? null : $"NumberOfRetries '{value}' must be an integer from 0 to 300.";
            case "BufferSizeInMBs":
                return decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var size) && size is >= 0.2m and <= 3m
                    ? null
                    : $"BufferSizeInMBs '{value}' of processor {type} must be a number from 0.2 to 3.";
            case "BufferIntervalInSeconds":
                return IsInteger(value, 60, 900) ? null : $"BufferIntervalInSeconds '{value}' of processor {type} must be an integer from 60 to 900.";
            case "RoleArn":
                return FirehoseShapes.RoleArn().IsMatch(value) ? null : $"RoleArn '{value}' must match {FirehoseShapes.RoleArnPattern}.";
            case "JsonParsingEngine":
                return value == "JQ-1.6" ? null : $"JsonParsingEngine '{value}' is not supported: the only engine is JQ-1.6.";
            case "SubRecordType":
                return value is "JSON" or "DELIMITED" ? null : $"SubRecordType '{value}' must be JSON or DELIMITED.";
            case "Delimiter":
                if (!IsBase64(value))
                {
                    return $"Delimiter '{value}' must be base64-encoded.";
                }
                return type == "RecordDeAggregation" && processor.Parameter("SubRecordType") != "DELIMITED"
                    ? "Delimiter applies to RecordDeAggregation only when SubRecordType is DELIMITED."
                    : null;
            case "CompressionFormat":
                return value == "GZIP" ? null : $"CompressionFormat '{value}' of processor Decompression must be GZIP.";
            case "DataMessageExtraction":
                return value is "true" or "false" ? null : $"DataMessageExtraction '{value}' must be true or false.";
            default:
                return null;
        }
    }

    /// <summary>Tributary's extension: an absolute http(s) URL names the transformation endpoint directly.</summary>
    public static bool IsEndpointUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    private static bool IsInteger(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max;

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = stackalloc byte[Math.Min(value.Length, 4096)];
        return value.Length <= 4096 && Convert.TryFromBase64String(value, buffer, out var written) && written > 0;
    }
}
