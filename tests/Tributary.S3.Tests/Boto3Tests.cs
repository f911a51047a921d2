using System.Text.Json;

namespace Tributary.S3.Tests;

/// <summary>
/// boto3 as a separate process against the real `tributary serve`: the client calls and managed transfers a Python
/// program makes, and the errors it catches by code.
/// </summary>
[Trait("Category", "process")]
public sealed class Boto3Tests
{
    [Fact]
    public async Task Boto3_puts_gets_lists_transfers_copies_and_deletes()
    {
        await S3Clients.RequireBoto3();
        await using var server = await S3ServerProcess.StartAsync();
        var script = Path.Combine(server.Work, "s3_boto3.py");
        File.WriteAllText(script, """
            import hashlib, json, os, sys, boto3
            from boto3.s3.transfer import TransferConfig
            from botocore.config import Config
            from botocore.exceptions import ClientError
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], config=Config(s3={"addressing_style": "path"}))
            work = sys.argv[2]
            out = {}
            def code(call):
                try:
                    call()
                    return None
                except ClientError as e:
                    return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
            s3.create_bucket(Bucket="py-bucket")
            out["exists"] = code(lambda: s3.create_bucket(Bucket="py-bucket"))
            put = s3.put_object(Bucket="py-bucket", Key="notes/hello.txt", Body=b"hello, lake", ContentType="text/plain", Metadata={"owner": "py"})
            out["put_etag"] = put["ETag"]
            head = s3.head_object(Bucket="py-bucket", Key="notes/hello.txt")
            out["head"] = [head["ContentLength"], head["ContentType"], head["Metadata"]]
            out["range"] = s3.get_object(Bucket="py-bucket", Key="notes/hello.txt", Range="bytes=7-10")["Body"].read().decode()
            out["missing_key"] = code(lambda: s3.get_object(Bucket="py-bucket", Key="notes/none"))
            out["missing_bucket"] = code(lambda: s3.list_objects_v2(Bucket="no-such-bucket"))
            out["head_missing"] = code(lambda: s3.head_object(Bucket="py-bucket", Key="notes/none"))
            # A managed multipart upload (5 MiB parts) and download of 12 MiB.
            data = os.urandom(12 * 1024 * 1024)
            source = os.path.join(work, "upload.bin")
            with open(source, "wb") as f:
                f.write(data)
            config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
            s3.upload_file(source, "py-bucket", "blobs/twelve.bin", Config=config)
            target = os.path.join(work, "download.bin")
            s3.download_file("py-bucket", "blobs/twelve.bin", target, Config=config)
            with open(target, "rb") as f:
                out["round_trip"] = f.read() == data
            out["multipart_etag"] = s3.head_object(Bucket="py-bucket", Key="blobs/twelve.bin")["ETag"]
            s3.copy_object(Bucket="py-bucket", Key="notes/copy.txt", CopySource={"Bucket": "py-bucket", "Key": "notes/hello.txt"})
            keys = []
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="py-bucket", PaginationConfig={"PageSize": 1}):
                keys += [c["Key"] for c in page.get("Contents", [])]
            out["keys"] = keys
            top = s3.list_objects_v2(Bucket="py-bucket", Delimiter="/")
            out["prefixes"] = [p["Prefix"] for p in top.get("CommonPrefixes", [])]
            out["not_empty"] = code(lambda: s3.delete_bucket(Bucket="py-bucket"))
            deleted = s3.delete_objects(Bucket="py-bucket", Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})
            out["delete_errors"] = deleted.get("Errors", [])
            s3.delete_bucket(Bucket="py-bucket")
            out["buckets"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]
            print(json.dumps(out, separators=(",", ":")))
            """);
        var result = (await ClientProcess.RunAsync(S3Clients.Python, [script, server.Endpoint, server.Work], TimeSpan.FromSeconds(80), environment: S3Clients.Environment())).EnsureSuccess();
        var output = JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal("[\"BucketAlreadyOwnedByYou\",409]", output.GetProperty("exists").GetRawText());
        Assert.Equal("\"" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("hello, lake"u8)) + "\"", output.GetProperty("put_etag").GetString());
        Assert.Equal("[11,\"text/plain\",{\"owner\":\"py\"}]", output.GetProperty("head").GetRawText());
        Assert.Equal("lake", output.GetProperty("range").GetString());
        Assert.Equal("[\"NoSuchKey\",404]", output.GetProperty("missing_key").GetRawText());
        Assert.Equal("[\"NoSuchBucket\",404]", output.GetProperty("missing_bucket").GetRawText());
        Assert.Equal("[\"404\",404]", output.GetProperty("head_missing").GetRawText());
        Assert.True(output.GetProperty("round_trip").GetBoolean());
        Assert.EndsWith("-3\"", output.GetProperty("multipart_etag").GetString(), StringComparison.Ordinal);
        Assert.Equal(["blobs/twelve.bin", "notes/copy.txt", "notes/hello.txt"], output.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["blobs/", "notes/"], output.GetProperty("prefixes").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("[\"BucketNotEmpty\",409]", output.GetProperty("not_empty").GetRawText());
        Assert.Empty(output.GetProperty("delete_errors").EnumerateArray());
        Assert.Empty(output.GetProperty("buckets").EnumerateArray());
    }
}
