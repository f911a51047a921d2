// @aws-sdk/client-kinesis (JS SDK v3) against a running Tributary over HTTP/2 cleartext, including
// SubscribeToShard (enhanced fan-out over an event stream).
// Usage: node kinesis_js.mjs HTTP2_ENDPOINT_URL. Prints one line per check; exits 1 at the first failure.
import {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand, PutRecordCommand,
  GetShardIteratorCommand, GetRecordsCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand,
  ListShardsCommand, DeleteStreamCommand, DescribeStreamCommand,
} from "@aws-sdk/client-kinesis";

const endpoint = process.argv[2];
setTimeout(() => { console.log("FAILED: timed out"); process.exit(1); }, 1000 * Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)).unref();
const client = new KinesisClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "tributary", secretAccessKey: "tributary" }, maxAttempts: 1 });
let checks = 0;
function check(condition, message) {
  if (!condition) { console.log("FAILED: " + message); process.exit(1); }
  checks++;
  console.log("ok: " + message);
}
const text = (bytes) => Buffer.from(bytes).toString();

const name = "js-" + Math.random().toString(36).slice(2, 10);
await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
check(summary.StreamStatus === "ACTIVE" && summary.OpenShardCount === 1, "stream created over HTTP/2");
const put = await client.send(new PutRecordsCommand({ StreamName: name, Records: [0, 1, 2].map((i) => ({ Data: Buffer.from("r" + i), PartitionKey: "k" })) }));
check(put.FailedRecordCount === 0 && put.Records.length === 3, "PutRecords");
const iterator = (await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
check(got.Records.map((r) => text(r.Data)).join(",") === "r0,r1,r2", "GetRecords returns the records in order");
check(got.Records[0].ApproximateArrivalTimestamp instanceof Date && got.Records[0].SequenceNumber === put.Records[0].SequenceNumber, "timestamps and sequence numbers parse");
check((await client.send(new ListShardsCommand({ StreamName: name }))).Shards.length === 1, "ListShards");
try {
  await client.send(new DescribeStreamCommand({ StreamName: name + "-missing" }));
  check(false, "DescribeStream of a missing stream should fail");
} catch (e) {
  check(e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 400, "errors arrive as ResourceNotFoundException (400)");
}

const consumer = (await client.send(new RegisterStreamConsumerCommand({ StreamARN: summary.StreamARN, ConsumerName: "fanout" }))).Consumer;
check(consumer.ConsumerStatus === "ACTIVE", "consumer registered");
const subscription = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumer.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
const received = [];
let continuation = null;
let wroteMore = false;
for await (const event of subscription.EventStream) {
  if (!event.SubscribeToShardEvent) continue;
  const batch = event.SubscribeToShardEvent;
  for (const record of batch.Records) received.push(text(record.Data));
  continuation = batch.ContinuationSequenceNumber;
  if (received.length >= 3 && !wroteMore) {
    wroteMore = true;
    await client.send(new PutRecordCommand({ StreamName: name, Data: Buffer.from("live"), PartitionKey: "k" }));
  }
  if (received.includes("live")) break;
}
check(received.join(",") === "r0,r1,r2,live", "SubscribeToShard delivers stored records, then live ones");
const live = (await client.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records.length;
check(live === 4 && continuation && continuation.length === 56, "ContinuationSequenceNumber is a sequence number");
await client.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
console.log(`OK ${checks} checks`);
client.destroy();
process.exit(0);
