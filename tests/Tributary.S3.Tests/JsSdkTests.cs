using System.Text.Json;

namespace Tributary.S3.Tests;

/// <summary>
/// The AWS SDK for JavaScript v3 S3 client (tests/interop/aws-s3/s3_js.mjs) as a separate process against the real
/// `tributary serve`: string and stream puts with the SDK's default checksums, a ranged get, a multipart upload,
/// a delimiter listing, NoSuchKey as the SDK's typed exception, a batch delete.
/// </summary>
[Trait("Category", "process")]
public sealed class JsSdkTests
{
    private static string Scripts => Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "aws-s3");

    [Fact]
    public async Task The_js_sdk_v3_puts_gets_uploads_in_parts_lists_and_deletes()
    {
        Assert.True(Directory.Exists(Path.Combine(Scripts, "node_modules", "@aws-sdk", "client-s3")),
            "@aws-sdk/client-s3 is not installed: run ./test.sh (npm ci in tests/interop/aws-s3)");
        await using var server = await S3ServerProcess.StartAsync();
        var result = (await ClientProcess.RunAsync("node", [Path.Combine(Scripts, "s3_js.mjs"), server.Endpoint], TimeSpan.FromSeconds(80),
            workingDirectory: Scripts, environment: S3Clients.Environment())).EnsureSuccess();
        var output = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]).RootElement;
        var expected = output.GetProperty("expected").GetString();
        Assert.Equal(expected, output.GetProperty("putString").GetString());
        Assert.Equal(expected, output.GetProperty("putStream").GetString());
        Assert.True(output.GetProperty("streamedEqual").GetBoolean());
        Assert.Equal("[\"written by\",\"bytes 0-9/25000\"]", output.GetProperty("range").GetRawText());
        Assert.Equal("text/plain", output.GetProperty("head").GetString());
        Assert.Equal(output.GetProperty("multipartExpected").GetString(), output.GetProperty("multipartETag").GetString());
        Assert.True(output.GetProperty("multipartEqual").GetBoolean());
        Assert.Equal("[\"multi/\",\"text/\"]", output.GetProperty("prefixes").GetRawText());
        Assert.Equal("[\"NoSuchKey\",404]", output.GetProperty("missing").GetRawText());
        Assert.Equal("[\"multi/blob.bin\",\"text/plain.txt\",\"text/stream.txt\"]", output.GetProperty("deleted").GetRawText());
    }
}
