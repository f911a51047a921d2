#!/usr/bin/python3
"""boto3 (python3-boto3) against a running Tributary: the Kinesis API end to end.

Usage: kinesis_boto3.py ENDPOINT_URL
Exercises create/describe/list, put_record(s), every iterator type, resharding (split, merge,
update_shard_count) with a consumer that follows lineage (parents drained before children) and checks
per-partition-key order, retention, tags, consumers, stream mode, limits, and AWS errors. Prints one line
per check; exits non-zero at the first failure (with the reason).
"""
import base64
import datetime
import os
import signal
import sys
import time
import uuid

import boto3
import botocore.config
from botocore.exceptions import ClientError

signal.alarm(int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120")))
endpoint = sys.argv[1]
session = boto3.session.Session(aws_access_key_id="tributary", aws_secret_access_key="tributary", region_name="us-east-1")
config = botocore.config.Config(retries={"max_attempts": 1})
kinesis = session.client("kinesis", endpoint_url=endpoint, config=config)
# A client without client-side validation, to show the server's own answers to bad input.
raw = session.client("kinesis", endpoint_url=endpoint, config=botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1}))
checks = 0


def check(condition, message):
    global checks
    if not condition:
        print("FAILED: " + message, flush=True)
        sys.exit(1)
    checks += 1
    print("ok: " + message, flush=True)


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        check(got == code, f"{call.__name__} answers {code} (got {got}: {e.response['Error'].get('Message')})")
        return e.response
    check(False, f"{call.__name__} should have failed with {code}")


name = "boto-" + uuid.uuid4().hex[:8]
kinesis.create_stream(StreamName=name, ShardCount=2)
kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
check(summary["StreamStatus"] == "ACTIVE" and summary["OpenShardCount"] == 2, "created stream is ACTIVE with 2 open shards")
check(summary["StreamARN"].endswith(":stream/" + name), "StreamARN names the stream")
shards = kinesis.list_shards(StreamName=name)["Shards"]
check([s["ShardId"] for s in shards] == ["shardId-000000000000", "shardId-000000000001"], "shard ids as AWS assigns them")
check(shards[0]["HashKeyRange"]["EndingHashKey"] == "170141183460469231731687303715884105727", "hash ranges split evenly over 2^128")
check(name in kinesis.list_streams()["StreamNames"], "list_streams lists the stream")

# Per-key sequences across resharding: each key's records carry 0, 1, 2, ... in order.
keys = [f"key-{i}" for i in range(12)]
counters = {k: 0 for k in keys}
sequence_of = {}


def put_round(rounds):
    for _ in range(rounds):
        records = []
        for k in keys:
            records.append({"Data": f"{k}:{counters[k]}".encode(), "PartitionKey": k})
            counters[k] += 1
        answer = kinesis.put_records(StreamName=name, Records=records)
        check(answer["FailedRecordCount"] == 0 and len(answer["Records"]) == len(records), "put_records stored every record")
        for record, result in zip(records, answer["Records"]):
            sequence_of[record["Data"].decode()] = (result["ShardId"], result["SequenceNumber"])


put_round(3)
one = kinesis.put_record(StreamName=name, PartitionKey="x", Data=b"explicit", ExplicitHashKey="340282366920938463463374607431768211455")
check(one["ShardId"] == "shardId-000000000001", "ExplicitHashKey 2^128-1 routes to the last shard")
check(len(one["SequenceNumber"]) == 56, "sequence numbers have 56 digits")

# Iterator types on shard 1.
shard1 = "shardId-000000000001"
first = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(StreamName=name, ShardId=shard1, ShardIteratorType="TRIM_HORIZON")["ShardIterator"])["Records"]
check(len(first) > 2, "TRIM_HORIZON reads shard 1 from its start")
at = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(StreamName=name, ShardId=shard1, ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=first[1]["SequenceNumber"])["ShardIterator"], Limit=1)["Records"]
check(at[0]["SequenceNumber"] == first[1]["SequenceNumber"], "AT_SEQUENCE_NUMBER starts at that record")
after = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(StreamName=name, ShardId=shard1, ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first[1]["SequenceNumber"])["ShardIterator"], Limit=1)["Records"]
check(after[0]["SequenceNumber"] == first[2]["SequenceNumber"], "AFTER_SEQUENCE_NUMBER starts after that record")
# botocore sends timestamps as whole epoch seconds: mark a time a second after the last record, then write.
time.sleep(1.2)
mark = datetime.datetime.now(datetime.timezone.utc)
marked = kinesis.put_record(StreamName=name, PartitionKey="x", Data=b"after-mark", ExplicitHashKey="340282366920938463463374607431768211455")
by_time = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(StreamName=name, ShardId=shard1, ShardIteratorType="AT_TIMESTAMP", Timestamp=mark)["ShardIterator"])["Records"]
check([r["SequenceNumber"] for r in by_time] == [marked["SequenceNumber"]], "AT_TIMESTAMP starts at the first record that arrived at or after the time")
latest = kinesis.get_shard_iterator(StreamName=name, ShardId=shard1, ShardIteratorType="LATEST")["ShardIterator"]
empty = kinesis.get_records(ShardIterator=latest)
check(empty["Records"] == [] and empty["MillisBehindLatest"] == 0, "LATEST starts after the last record")
kinesis.put_record(StreamName=name, PartitionKey="x", Data=b"after-latest", ExplicitHashKey="340282366920938463463374607431768211455")
check([r["Data"] for r in kinesis.get_records(ShardIterator=empty["NextShardIterator"])["Records"]] == [b"after-latest"], "NextShardIterator continues with the next record")

# Resharding: split shard 0, write, merge its children, write, uniform scaling to 3, write.
kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**126))
put_round(2)
kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000002", AdjacentShardToMerge="shardId-000000000003")
put_round(2)
scaled = kinesis.update_shard_count(StreamName=name, TargetShardCount=3, ScalingType="UNIFORM_SCALING")
check(scaled["CurrentShardCount"] == 2 and scaled["TargetShardCount"] == 3, "update_shard_count 2 -> 3")
put_round(2)
open_shards = sorted(kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"], key=lambda s: int(s["HashKeyRange"]["StartingHashKey"]))
check(len(open_shards) == 3, "three open shards after scaling")
all_shards = kinesis.list_shards(StreamName=name)["Shards"]
merged = next(s for s in all_shards if s["ShardId"] == "shardId-000000000004")
check(merged["ParentShardId"] == "shardId-000000000002" and merged["AdjacentParentShardId"] == "shardId-000000000003", "merge records parent and adjacent parent")
closed = next(s for s in all_shards if s["ShardId"] == "shardId-000000000000")
check("EndingSequenceNumber" in closed["SequenceNumberRange"], "a split parent is closed with an EndingSequenceNumber")

# Consumer following lineage: a shard is read only after all its parents were drained to their end.
by_id = {s["ShardId"]: s for s in all_shards}
done, seen, children_reported = set(), {k: [] for k in keys}, {}
pending = list(by_id)
while pending:
    progressed = False
    for shard_id in list(pending):
        shard = by_id[shard_id]
        parents = [p for p in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")) if p and p in by_id]
        if any(p not in done for p in parents):
            continue
        iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = kinesis.get_records(ShardIterator=iterator, Limit=7)
            for record in page["Records"]:
                key, _, number = record["Data"].decode().partition(":")
                if key in seen:
                    seen[key].append(int(number))
            iterator = page.get("NextShardIterator")
            if iterator is None:
                children_reported[shard_id] = sorted(c["ShardId"] for c in page.get("ChildShards", []))
            elif not page["Records"] and page["MillisBehindLatest"] == 0 and "EndingSequenceNumber" not in shard["SequenceNumberRange"]:
                break
        done.add(shard_id)
        pending.remove(shard_id)
        progressed = True
    check(progressed, "lineage walk makes progress")
for k in keys:
    check(seen[k] == list(range(counters[k])), f"key {k}: every record once, in order, across split, merge and scaling")
expected_children = sorted(s["ShardId"] for s in all_shards if "shardId-000000000000" in (s.get("ParentShardId"), s.get("AdjacentParentShardId")))
check(children_reported["shardId-000000000000"] == expected_children == ["shardId-000000000002", "shardId-000000000003"], "ChildShards at the end of a closed shard name its children")

# Retention, tags, consumers, mode, limits.
kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
check(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 48, "retention increased to 48 h")
expect_error("InvalidArgumentException", kinesis.decrease_stream_retention_period, StreamName=name, RetentionPeriodHours=72)
kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
check(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 24, "retention decreased to 24 h")
expect_error("InvalidArgumentException", kinesis.increase_stream_retention_period, StreamName=name, RetentionPeriodHours=12)
enabled = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes", "OutgoingRecords"])
check(enabled["CurrentShardLevelMetrics"] == [] and enabled["DesiredShardLevelMetrics"] == ["IncomingBytes", "OutgoingRecords"], "enhanced monitoring enabled")
disabled = kinesis.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
check(disabled["CurrentShardLevelMetrics"] == ["IncomingBytes", "OutgoingRecords"] and disabled["DesiredShardLevelMetrics"] == ["OutgoingRecords"], "enhanced monitoring disabled")
kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
described = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
check(described["EncryptionType"] == "KMS" and described["KeyId"] == "alias/aws/kinesis", "encryption started")
kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
check(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["EncryptionType"] == "NONE", "encryption stopped")
kinesis.add_tags_to_stream(StreamName=name, Tags={"team": "data", "env": "test"})
tags = kinesis.list_tags_for_stream(StreamName=name)["Tags"]
check(tags == [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}], "tags added and listed")
kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["env"])
check(kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [{"Key": "team", "Value": "data"}], "tag removed")
arn = summary["StreamARN"]
consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader")["Consumer"]
check(consumer["ConsumerARN"].startswith(arn + "/consumer/reader:") and consumer["ConsumerStatus"] == "ACTIVE", "consumer registered")
check([c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]] == ["reader"], "consumer listed")
check(kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]["StreamARN"] == arn, "consumer described")
expect_error("ResourceInUseException", kinesis.register_stream_consumer, StreamARN=arn, ConsumerName="reader")
kinesis.deregister_stream_consumer(StreamARN=arn, ConsumerName="reader")
check(kinesis.list_stream_consumers(StreamARN=arn)["Consumers"] == [], "consumer deregistered")
limits = kinesis.describe_limits()
check(limits["OpenShardCount"] >= 3 and limits["ShardLimit"] >= limits["OpenShardCount"], "describe_limits counts open shards")

# Errors, as AWS answers them.
expect_error("ResourceNotFoundException", kinesis.describe_stream, StreamName="no-such-stream-" + uuid.uuid4().hex[:6])
expect_error("ResourceInUseException", kinesis.create_stream, StreamName=name, ShardCount=1)
expect_error("InvalidArgumentException", kinesis.split_shard, StreamName=name, ShardToSplit=open_shards[0]["ShardId"], NewStartingHashKey=open_shards[0]["HashKeyRange"]["StartingHashKey"])
expect_error("ResourceInUseException", kinesis.split_shard, StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**100))
expect_error("InvalidArgumentException", kinesis.merge_shards, StreamName=name, ShardToMerge=open_shards[0]["ShardId"], AdjacentShardToMerge=open_shards[2]["ShardId"])
expect_error("InvalidArgumentException", kinesis.get_records, ShardIterator=base64.b64encode(b"not an iterator").decode())
response = expect_error("ValidationException", raw.create_stream, StreamName="bad name!", ShardCount=0)
check("at 'streamName' failed to satisfy constraint" in response["Error"]["Message"] and "2 validation errors" in response["Error"]["Message"], "validation message names each member and constraint")
check(response["ResponseMetadata"]["HTTPStatusCode"] == 400, "validation errors are HTTP 400")
expect_error("ValidationException", raw.put_records, StreamName=name, Records=[{"Data": b"x", "PartitionKey": "k"}] * 501)
expect_error("LimitExceededException", kinesis.update_shard_count, StreamName=name, TargetShardCount=7, ScalingType="UNIFORM_SCALING")
kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
check(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"] == "ON_DEMAND", "stream mode switched to ON_DEMAND")
expect_error("ValidationException", kinesis.split_shard, StreamName=name, ShardToSplit=open_shards[0]["ShardId"], NewStartingHashKey=str(int(open_shards[0]["HashKeyRange"]["StartingHashKey"]) + 10))

kinesis.delete_stream(StreamName=name)
check(name not in kinesis.list_streams()["StreamNames"], "stream deleted")
print(f"OK {checks} checks", flush=True)
