using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tributary.Generator.Targets;

/// <summary>
/// Calls an AWS JSON 1.1 API (Kinesis, Firehose) on an endpoint: a POST of the request body to <c>/</c> with
/// <c>X-Amz-Target</c>, signed with Signature Version 4 as the SDKs sign it (credentials from
/// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/<c>AWS_SESSION_TOKEN</c>, region from <c>AWS_REGION</c> or
/// <c>AWS_DEFAULT_REGION</c>; without them the embedded default's <c>test</c>/<c>test</c> in us-east-1). An error
/// answer is an <see cref="AwsCallException"/> with the service's <c>__type</c> and message.
/// </summary>
public sealed class AwsJsonClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _service;
    private readonly string _targetPrefix;
    private readonly string _accessKey;
    private readonly string _secretKey;
    private readonly string? _sessionToken;
    private readonly string _region;

    public AwsJsonClient(Uri endpoint, string signingName, string targetPrefix)
    {
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _endpoint = endpoint;
        _service = signingName;
        _targetPrefix = targetPrefix;
        _accessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "test";
        _secretKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "test";
        _sessionToken = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
        _region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
    }

    /// <summary>Sends <paramref name="body"/> (JSON) to <c>{prefix}.{operation}</c> and returns the answer's JSON.</summary>
    public async Task<JsonDocument> CallAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        var target = _targetPrefix + "." + operation;
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = _endpoint.IsDefaultPort ? _endpoint.Host : $"{_endpoint.Host}:{_endpoint.Port}";
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/x-amz-json-1.1",
            ["host"] = host,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = target,
        };
        if (_sessionToken is not null)
        {
            headers["x-amz-security-token"] = _sessionToken;
        }
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = new StringBuilder()
            .Append("POST\n").Append(_endpoint.AbsolutePath).Append("\n\n");
        foreach (var (name, value) in headers)
        {
            canonicalRequest.Append(name).Append(':').Append(value).Append('\n');
        }
        canonicalRequest.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        var scope = $"{date}/{_region}/{_service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + _secretKey), date);
        key = Hmac(key, _region);
        key = Hmac(key, _service);
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));

        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (_sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", _sessionToken);
        }
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={_accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw AwsCallException.From((int)response.StatusCode, bytes, target);
        }
        return JsonDocument.Parse(bytes.Length == 0 ? "{}"u8.ToArray() : bytes);
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    public void Dispose() => _http.Dispose();
}

/// <summary>An AWS error answer: its <c>__type</c> (without the namespace prefix) and message.</summary>
public sealed class AwsCallException(int status, string type, string message) : Exception($"{type}: {message}")
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public static AwsCallException From(int status, byte[] body, string target)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var type = root.TryGetProperty("__type", out var t) ? t.GetString() ?? "UnknownError" : "UnknownError";
            type = type[(type.LastIndexOf('#') + 1)..];
            var message = root.TryGetProperty("message", out var m) || root.TryGetProperty("Message", out m) ? m.GetString() ?? string.Empty : string.Empty;
            return new AwsCallException(status, type, message);
        }
        catch (JsonException)
        {
            return new AwsCallException(status, "HTTP " + status, $"{target} answered {status} with a body that is not JSON.");
        }
    }
}
