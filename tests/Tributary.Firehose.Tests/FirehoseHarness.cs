using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Aws;
using Tributary.Firehose.Api;

namespace Tributary.Firehose.Tests;

/// <summary>
/// The Firehose service over an <see cref="InMemoryDeliveryStreams"/> test double: operations called in-process
/// (<see cref="CallAsync(string, string)"/>), or served over HTTP by a real <see cref="AwsHttpServer"/> on a free port (<see cref="StartServerAsync"/>).
/// </summary>
public sealed class FirehoseHarness
{
    public static readonly FirehoseOptions Options = new() { Region = "eu-west-1", AccountId = "123456789012" };

    public InMemoryDeliveryStreams Streams { get; } = new();

    public AwsService Service { get; }

    public FirehoseHarness() => Service = FirehoseApi.CreateService(Streams, Options);

    /// <summary>Runs one operation as the HTTP server would and returns its JSON answer; modelled errors throw <see cref="AwsErrorException"/>.</summary>
    public async Task<JsonElement> CallAsync(string operation, string body)
    {
        Assert.True(Service.TryGetOperation(operation, out var handler), "no operation " + operation);
        using var document = JsonDocument.Parse(body);
        var request = new AwsRequest { Operation = operation, Format = AwsBodyFormat.Json, Body = document.RootElement, Http = new DefaultHttpContext() };
        var output = new ArrayBufferWriter<byte>();
        var writer = AwsResponseWriter.Create(AwsBodyFormat.Json, output);
        writer.WriteStartObject();
        await handler.ExecuteAsync(request, writer);
        writer.WriteEndObject();
        writer.Flush();
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    public Task<JsonElement> CallAsync(string operation, object body) => CallAsync(operation, JsonSerializer.Serialize(body));

    /// <summary>Asserts that the operation fails with <paramref name="type"/> (and HTTP <paramref name="status"/>) and a message containing <paramref name="message"/>.</summary>
    public async Task<AwsErrorException> FailsAsync(string operation, string body, string type, string message, int status = 400)
    {
        var error = await Assert.ThrowsAsync<AwsErrorException>(() => CallAsync(operation, body));
        Assert.Equal(type, error.ErrorType);
        Assert.Contains(message, error.Message);
        Assert.Equal(status, error.StatusCode);
        return error;
    }

    public Task<AwsErrorException> FailsAsync(string operation, object body, string type, string message, int status = 400) =>
        FailsAsync(operation, JsonSerializer.Serialize(body), type, message, status);

    public Task<AwsHttpServer> StartServerAsync() =>
        AwsHttpServer.StartAsync([Service], new AwsHttpServerOptions { Port = 0, Http2Port = -1 }, NullLoggerFactory.Instance);

    /// <summary>A valid CreateDeliveryStream request; <paramref name="destination"/> members replace the minimal S3 destination's, <paramref name="extra"/> adds top-level members.</summary>
    public static string CreateRequest(string name = "orders", string destination = "", string extra = "")
    {
        var members = "\"RoleARN\":\"arn:aws:iam::123456789012:role/firehose\",\"BucketARN\":\"arn:aws:s3:::tributary-bucket\"" + (destination.Length > 0 ? "," + destination : "");
        return "{\"DeliveryStreamName\":" + JsonSerializer.Serialize(name) + (extra.Length > 0 ? "," + extra : "")
            + ",\"ExtendedS3DestinationConfiguration\":{" + members + "}}";
    }
}
