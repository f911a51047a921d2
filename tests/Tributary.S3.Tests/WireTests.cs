using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Tributary.S3.Tests;

/// <summary>
/// Raw HTTP against the front door with the S3 service in-process: S3's XML error bodies and statuses, aws-chunked and
/// unsigned bodies, digests, encoding-type=url, and the routing between S3 and the JSON services on one port.
/// </summary>
public sealed class WireTests : IAsyncLifetime
{
    private S3Endpoint _s3 = null!;

    public async Task InitializeAsync()
    {
        _s3 = await S3Endpoint.StartAsync();
        await _s3.Store.EnsureBucketAsync("wire");
    }

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    /// <summary>The error body's elements, after checking the status, the content type and the request id.</summary>
    private static async Task<XElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var error = XDocument.Parse(text).Root!;
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Equal(code, error.Element("Code")?.Value);
        Assert.Equal(response.Headers.GetValues("x-amz-request-id").Single(), error.Element("RequestId")?.Value);
        return error;
    }

    private Task<HttpResponseMessage> PutAsync(string path, byte[] body, Action<HttpRequestMessage>? headers = null) =>
        _s3.SendAsync(HttpMethod.Put, path, new ByteArrayContent(body), headers);

    [Fact]
    public async Task A_missing_key_is_NoSuchKey_404_with_the_key()
    {
        var error = await ErrorAsync(await _s3.SendAsync(HttpMethod.Get, "/wire/no/such%20key.txt"), HttpStatusCode.NotFound, "NoSuchKey");
        Assert.Equal("The specified key does not exist.", error.Element("Message")?.Value);
        Assert.Equal("no/such key.txt", error.Element("Key")?.Value);
        Assert.Equal(["Code", "Message", "Key", "RequestId", "HostId"], error.Elements().Select(e => e.Name.LocalName));

        // HEAD gets the status alone, as S3 answers it.
        using var head = await _s3.SendAsync(HttpMethod.Head, "/wire/no/such%20key.txt");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_missing_bucket_is_NoSuchBucket_404_with_the_bucket_for_listings_reads_and_writes()
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/absent?list-type=2"), (HttpMethod.Get, "/absent/key"), (HttpMethod.Delete, "/absent"), (HttpMethod.Put, "/absent/key") })
        {
            var error = await ErrorAsync(await _s3.SendAsync(method, path, method == HttpMethod.Put ? new ByteArrayContent("x"u8.ToArray()) : null), HttpStatusCode.NotFound, "NoSuchBucket");
            Assert.Equal("The specified bucket does not exist", error.Element("Message")?.Value);
            Assert.Equal("absent", error.Element("BucketName")?.Value);
        }
    }

    [Fact]
    public async Task Ranges_are_206_with_Content_Range_and_beyond_the_end_InvalidRange_416()
    {
        (await PutAsync("/wire/ten", "0123456789"u8.ToArray())).EnsureSuccessStatusCode();
        using var partial = await _s3.SendAsync(HttpMethod.Get, "/wire/ten", headers: r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(3, 5));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("bytes 3-5/10", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal("345", await partial.Content.ReadAsStringAsync());
        using var suffix = await _s3.SendAsync(HttpMethod.Get, "/wire/ten", headers: r => r.Headers.TryAddWithoutValidation("Range", "bytes=-3"));
        Assert.Equal("789", await suffix.Content.ReadAsStringAsync());
        // Several ranges, or a range that does not parse, are ignored: the whole object, 200.
        using var several = await _s3.SendAsync(HttpMethod.Get, "/wire/ten", headers: r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-1,4-5"));
        Assert.Equal((HttpStatusCode.OK, "0123456789"), (several.StatusCode, await several.Content.ReadAsStringAsync()));

        var error = await ErrorAsync(await _s3.SendAsync(HttpMethod.Get, "/wire/ten", headers: r => r.Headers.TryAddWithoutValidation("Range", "bytes=10-20")),
            HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange");
        Assert.Equal("The requested range is not satisfiable", error.Element("Message")?.Value);
        Assert.Equal(("bytes=10-20", "10"), (error.Element("RangeRequested")?.Value, error.Element("ActualObjectSize")?.Value));
    }

    [Fact]
    public async Task Malformed_xml_is_MalformedXML_400_and_a_DTD_is_refused()
    {
        var broken = await _s3.SendAsync(HttpMethod.Post, "/wire?delete", new StringContent("<Delete><Object><Key>a</Key></Object>", Encoding.UTF8, "application/xml"));
        var error = await ErrorAsync(broken, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.Equal("The XML you provided was not well-formed or did not validate against our published schema", error.Element("Message")?.Value);
        var entity = """<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "a">]><Delete><Object><Key>&x;</Key></Object></Delete>""";
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Post, "/wire?delete", new StringContent(entity)), HttpStatusCode.BadRequest, "MalformedXML");
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Post, "/wire?delete", new StringContent("<Delete><Quiet>true</Quiet></Delete>")), HttpStatusCode.BadRequest, "MalformedXML");
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Put, "/new-bucket", new StringContent("<CreateBucketConfiguration>")), HttpStatusCode.BadRequest, "MalformedXML");
        Assert.False(_s3.Store.BucketExists("new-bucket"));

        var upload = XDocument.Parse(await (await _s3.SendAsync(HttpMethod.Post, "/wire/big?uploads")).Content.ReadAsStringAsync()).Root!;
        var id = upload.Elements().Single(e => e.Name.LocalName == "UploadId").Value;
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Post, $"/wire/big?uploadId={id}", new StringContent("not xml at all")), HttpStatusCode.BadRequest, "MalformedXML");
        var missing = await ErrorAsync(await _s3.SendAsync(HttpMethod.Post, "/wire/big?uploadId=0123456789abcdef0123456789abcdef", new StringContent("<CompleteMultipartUpload/>")), HttpStatusCode.NotFound, "NoSuchUpload");
        Assert.Equal("0123456789abcdef0123456789abcdef", missing.Element("UploadId")?.Value);
    }

    [Fact]
    public async Task Content_MD5_is_checked_and_a_bad_one_stores_nothing()
    {
        var body = "payload"u8.ToArray();
        using (var ok = await PutAsync("/wire/md5", body, r => r.Content!.Headers.ContentMD5 = MD5.HashData(body)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(body)) + "\"", ok.Headers.ETag?.ToString());
        }
        var error = await ErrorAsync(await PutAsync("/wire/bad-md5", body, r => r.Content!.Headers.ContentMD5 = MD5.HashData("other"u8)), HttpStatusCode.BadRequest, "BadDigest");
        Assert.Equal("The Content-MD5 you specified did not match what we received.", error.Element("Message")?.Value);
        await ErrorAsync(await PutAsync("/wire/bad-md5", body, r => r.Content!.Headers.TryAddWithoutValidation("Content-MD5", "not base64")), HttpStatusCode.BadRequest, "InvalidDigest");
        Assert.False(await _s3.Store.ExistsAsync("wire", "bad-md5"));
        await ErrorAsync(await PutAsync("/wire/bad-sha", body, r => r.Headers.TryAddWithoutValidation("x-amz-content-sha256", new string('a', 64))), HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch");
        using var unsigned = await PutAsync("/wire/unsigned", body, r => r.Headers.TryAddWithoutValidation("x-amz-content-sha256", "UNSIGNED-PAYLOAD"));
        Assert.Equal(HttpStatusCode.OK, unsigned.StatusCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_s3.Store.Root, ".tributary-s3", "spool")));
    }

    /// <summary>aws-chunked framing: chunks of HEX;chunk-signature=…, then a zero chunk and optional trailers.</summary>
    private static byte[] Chunked(byte[] data, int chunk, bool signed, string? trailer)
    {
        var output = new MemoryStream();
        void Line(string text) => output.Write(Encoding.ASCII.GetBytes(text + "\r\n"));
        var signature = signed ? ";chunk-signature=" + new string('0', 64) : "";
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var length = Math.Min(chunk, data.Length - offset);
            Line(length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + signature);
            output.Write(data, offset, length);
            Line("");
        }
        Line("0" + signature);
        if (trailer is not null)
        {
            Line(trailer);
        }
        Line("");
        return output.ToArray();
    }

    [Theory]
    [InlineData("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", true, null)]
    [InlineData("STREAMING-UNSIGNED-PAYLOAD-TRAILER", false, "x-amz-checksum-crc32:AAAAAA==")]
    [InlineData("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", true, "x-amz-checksum-crc32c:AAAAAA==\r\nx-amz-trailer-signature:" + "0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Aws_chunked_bodies_are_decoded(string payload, bool signed, string? trailer)
    {
        var data = new byte[200_000];
        new Random(7).NextBytes(data);
        var framed = Chunked(data, 65_536, signed, trailer);
        using var put = await PutAsync("/wire/chunked", framed, r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-content-sha256", payload);
            r.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            r.Content!.Headers.ContentEncoding.Add("aws-chunked");
        });
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", put.Headers.ETag?.ToString());
        using var get = await _s3.SendAsync(HttpMethod.Get, "/wire/chunked");
        var stored = await get.Content.ReadAsByteArrayAsync();
        Assert.True(data.AsSpan().SequenceEqual(stored));
    }

    [Fact]
    public async Task Broken_chunk_framing_and_a_wrong_decoded_length_are_IncompleteBody()
    {
        void Headers(HttpRequestMessage r, int decoded)
        {
            r.Headers.TryAddWithoutValidation("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
            r.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", decoded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        await ErrorAsync(await PutAsync("/wire/broken", "zz\r\nabc\r\n0\r\n\r\n"u8.ToArray(), r => Headers(r, 3)), HttpStatusCode.BadRequest, "IncompleteBody");
        await ErrorAsync(await PutAsync("/wire/broken", "3\r\nabcdef"u8.ToArray(), r => Headers(r, 3)), HttpStatusCode.BadRequest, "IncompleteBody");
        await ErrorAsync(await PutAsync("/wire/broken", "3\r\nabc\r\n0\r\n\r\n"u8.ToArray(), r => Headers(r, 4)), HttpStatusCode.BadRequest, "IncompleteBody");
        Assert.False(await _s3.Store.ExistsAsync("wire", "broken"));
    }

    [Fact]
    public async Task Listings_encode_keys_for_encoding_type_url()
    {
        (await PutAsync("/wire/dir/a%20b%2Bc%C3%A9.txt", "x"u8.ToArray())).EnsureSuccessStatusCode();
        var text = await (await _s3.SendAsync(HttpMethod.Get, "/wire?list-type=2&encoding-type=url&prefix=dir%2F")).Content.ReadAsStringAsync();
        var result = XDocument.Parse(text).Root!;
        XNamespace s3 = "http://s3.amazonaws.com/doc/2006-03-01/";
        Assert.Equal(s3 + "ListBucketResult", result.Name);
        Assert.Equal("dir/a%20b%2Bc%C3%A9.txt", result.Element(s3 + "Contents")?.Element(s3 + "Key")?.Value);
        Assert.Equal("url", result.Element(s3 + "EncodingType")?.Value);
        var plain = XDocument.Parse(await (await _s3.SendAsync(HttpMethod.Get, "/wire?list-type=2")).Content.ReadAsStringAsync()).Root!;
        Assert.Equal("dir/a b+cé.txt", plain.Element(s3 + "Contents")?.Element(s3 + "Key")?.Value);
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Get, "/wire?list-type=2&encoding-type=base64"), HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task Keys_a_directory_cannot_hold_are_refused_on_write_and_absent_on_read()
    {
        (await PutAsync("/wire/a", "file"u8.ToArray())).EnsureSuccessStatusCode();
        await ErrorAsync(await PutAsync("/wire/a/b", "under a file"u8.ToArray()), HttpStatusCode.BadRequest, "InvalidArgument");
        await ErrorAsync(await PutAsync("/wire/folder/", "folder marker"u8.ToArray()), HttpStatusCode.BadRequest, "InvalidArgument");
        await ErrorAsync(await PutAsync("/wire/x//y", "empty segment"u8.ToArray()), HttpStatusCode.BadRequest, "InvalidArgument");
        await ErrorAsync(await PutAsync("/wire/" + new string('k', 1025), "long"u8.ToArray()), HttpStatusCode.BadRequest, "KeyTooLongError");
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Get, "/wire/x//y"), HttpStatusCode.NotFound, "NoSuchKey");
        using var delete = await _s3.SendAsync(HttpMethod.Delete, "/wire/x//y");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task Requests_with_X_Amz_Target_go_to_the_JSON_services_and_the_rest_to_S3()
    {
        using var json = await _s3.SendAsync(HttpMethod.Post, "/", new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"), r =>
        {
            r.Headers.TryAddWithoutValidation("X-Amz-Target", "Echo_20240101.Echo");
            r.Headers.TryAddWithoutValidation("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            r.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=k/{DateTime.UtcNow:yyyyMMdd}/us-east-1/echo/aws4_request, SignedHeaders=host, Signature={new string('0', 64)}");
        });
        Assert.Equal("{\"echo\":true}", await json.Content.ReadAsStringAsync());
        // GET / is ListBuckets; POST / without a target stays with the JSON front door (its AccessDenied).
        var buckets = XDocument.Parse(await (await _s3.SendAsync(HttpMethod.Get, "/")).Content.ReadAsStringAsync()).Root!;
        Assert.Equal("ListAllMyBucketsResult", buckets.Name.LocalName);
        Assert.Equal(["wire"], buckets.Descendants().Where(e => e.Name.LocalName == "Name").Select(e => e.Value));
        using var post = await _s3.SendAsync(HttpMethod.Post, "/", new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.StartsWith("<AccessDeniedException>", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // A GET with a target is the JSON front door's too (AWS answers AccessDenied to non-POST JSON requests).
        using var getWithTarget = await _s3.SendAsync(HttpMethod.Get, "/wire", headers: r => r.Headers.TryAddWithoutValidation("X-Amz-Target", "Echo_20240101.Echo"));
        Assert.Equal(HttpStatusCode.Forbidden, getWithTarget.StatusCode);
        // Subresources S3 has and Tributary does not serve are NotImplemented, never a listing.
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Get, "/wire?versioning"), HttpStatusCode.NotImplemented, "NotImplemented");
        await ErrorAsync(await _s3.SendAsync(HttpMethod.Post, "/wire"), HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
    }
}
