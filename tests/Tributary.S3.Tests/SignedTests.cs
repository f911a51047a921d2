using System.Net;
using System.Text.Json;

namespace Tributary.S3.Tests;

/// <summary>
/// SigV4 on S3 requests when credentials are configured: boto3 (a separate process) signing with the right secret —
/// keys with characters S3 percent-encodes in the canonical path, signed and unsigned payloads — and with a wrong one.
/// </summary>
[Trait("Category", "process")]
public sealed class SignedTests
{
    [Fact]
    public async Task Boto3_signatures_are_verified_and_a_wrong_secret_is_SignatureDoesNotMatch()
    {
        await S3Clients.RequireBoto3();
        await using var s3 = await S3Endpoint.StartAsync(new Dictionary<string, string> { ["AKIDTRIBUTARY"] = "right-secret" });
        var script = Path.Combine(s3.Root, "signed.py");
        File.WriteAllText(script, """
            import json, sys, boto3
            from botocore.config import Config
            from botocore.exceptions import ClientError
            def client(secret):
                return boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="AKIDTRIBUTARY", aws_secret_access_key=secret,
                                    config=Config(s3={"addressing_style": "path", "payload_signing_enabled": sys.argv[2] == "signed"}))
            good, bad = client("right-secret"), client("wrong-secret")
            out = {}
            good.create_bucket(Bucket="signed")
            key = "dt=2026-12-06/a b+c(1)~.txt"
            good.put_object(Bucket="signed", Key=key, Body=b"signed body")
            out["body"] = good.get_object(Bucket="signed", Key=key)["Body"].read().decode()
            out["keys"] = [c["Key"] for c in good.list_objects_v2(Bucket="signed", Prefix="dt=")["Contents"]]
            try:
                bad.list_objects_v2(Bucket="signed")
                out["bad"] = None
            except ClientError as e:
                out["bad"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
            good.delete_object(Bucket="signed", Key=key)
            good.delete_bucket(Bucket="signed")
            print(json.dumps(out, separators=(",", ":")))
            """);
        foreach (var mode in new[] { "signed", "unsigned" })
        {
            var result = (await ClientProcess.RunAsync(S3Clients.Python, [script, s3.Endpoint, mode], TimeSpan.FromSeconds(60), environment: S3Clients.Environment())).EnsureSuccess();
            var output = JsonDocument.Parse(result.StandardOutput).RootElement;
            Assert.Equal("signed body", output.GetProperty("body").GetString());
            Assert.Equal(["dt=2026-12-06/a b+c(1)~.txt"], output.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
            Assert.Equal("[\"SignatureDoesNotMatch\",403]", output.GetProperty("bad").GetRawText());
        }
        using var anonymous = await s3.SendAsync(HttpMethod.Get, "/");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
