// The AWS SDK for JavaScript v3 S3 client against Tributary's S3 API (tests/Tributary.S3.Tests/JsSdkTests.cs).
// Usage: node s3_js.mjs ENDPOINT   Prints one JSON line of what the calls returned.
// The SDK's defaults are kept (its request checksums included); path-style is the only setting (forcePathStyle).
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command,
  DeleteObjectsCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  DeleteBucketCommand, S3ServiceException,
} from '@aws-sdk/client-s3';

const timer = setTimeout(() => { console.error('timed out'); process.exit(3); }, Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 60) * 1000);
const s3 = new S3Client({ endpoint: process.argv[2], region: 'us-east-1', forcePathStyle: true });
const out = {};
const md5 = (bytes) => createHash('md5').update(bytes).digest('hex');

await s3.send(new CreateBucketCommand({ Bucket: 'js-bucket' }));
const text = Buffer.from('written by the JS SDK v3\n'.repeat(1000));
out.putString = (await s3.send(new PutObjectCommand({ Bucket: 'js-bucket', Key: 'text/plain.txt', Body: text.toString(), ContentType: 'text/plain' }))).ETag;
// A stream body, as well as a string.
out.putStream = (await s3.send(new PutObjectCommand({ Bucket: 'js-bucket', Key: 'text/stream.txt', Body: Readable.from([text.subarray(0, 10000), text.subarray(10000)]), ContentLength: text.length }))).ETag;
out.expected = '"' + md5(text) + '"';
const streamed = await s3.send(new GetObjectCommand({ Bucket: 'js-bucket', Key: 'text/stream.txt' }));
out.streamedEqual = Buffer.from(await streamed.Body.transformToByteArray()).equals(text);
const range = await s3.send(new GetObjectCommand({ Bucket: 'js-bucket', Key: 'text/plain.txt', Range: 'bytes=0-9' }));
out.range = [await range.Body.transformToString(), range.ContentRange];
out.head = (await s3.send(new HeadObjectCommand({ Bucket: 'js-bucket', Key: 'text/plain.txt' }))).ContentType;

const part1 = randomBytes(5 * 1024 * 1024);
const part2 = Buffer.from('last part');
const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'js-bucket', Key: 'multi/blob.bin' }));
const e1 = (await s3.send(new UploadPartCommand({ Bucket: 'js-bucket', Key: 'multi/blob.bin', UploadId, PartNumber: 1, Body: part1 }))).ETag;
const e2 = (await s3.send(new UploadPartCommand({ Bucket: 'js-bucket', Key: 'multi/blob.bin', UploadId, PartNumber: 2, Body: part2 }))).ETag;
const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'js-bucket', Key: 'multi/blob.bin', UploadId,
  MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }] } }));
out.multipartETag = done.ETag;
out.multipartExpected = '"' + createHash('md5').update(Buffer.concat([createHash('md5').update(part1).digest(), createHash('md5').update(part2).digest()])).digest('hex') + '-2"';
const blob = await s3.send(new GetObjectCommand({ Bucket: 'js-bucket', Key: 'multi/blob.bin' }));
out.multipartEqual = Buffer.from(await blob.Body.transformToByteArray()).equals(Buffer.concat([part1, part2]));

const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'js-bucket', Delimiter: '/' }));
out.prefixes = (listed.CommonPrefixes ?? []).map((p) => p.Prefix);
try {
  await s3.send(new GetObjectCommand({ Bucket: 'js-bucket', Key: 'absent' }));
  out.missing = null;
} catch (e) {
  out.missing = e instanceof S3ServiceException ? [e.name, e.$metadata.httpStatusCode] : String(e);
}
const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: 'js-bucket',
  Delete: { Objects: ['text/plain.txt', 'text/stream.txt', 'multi/blob.bin'].map((Key) => ({ Key })) } }));
out.deleted = (deleted.Deleted ?? []).map((d) => d.Key).sort();
await s3.send(new DeleteBucketCommand({ Bucket: 'js-bucket' }));
clearTimeout(timer);
console.log(JSON.stringify(out));
