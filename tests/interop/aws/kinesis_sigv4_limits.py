#!/usr/bin/python3
"""boto3 against a Tributary started with aws.credentials=tributary-key:tributary-secret and
kinesis.enforce.limits=true: signatures are verified (right key works; wrong secret, unknown key and
unsigned requests are refused as AWS refuses them) and the per-shard write limit throttles PutRecords.

Usage: kinesis_sigv4_limits.py ENDPOINT_URL. Prints one line per check; exits 1 at the first failure.
"""
import os
import signal
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.config
from botocore import UNSIGNED
from botocore.exceptions import ClientError

signal.alarm(int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120")))
endpoint = sys.argv[1]
config = botocore.config.Config(retries={"max_attempts": 1})
checks = 0


def client(key, secret, **extra):
    return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name="eu-west-1").client(
        "kinesis", endpoint_url=endpoint, config=botocore.config.Config(retries={"max_attempts": 1}, **extra))


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
        check(e.response["Error"]["Code"] == code, f"{code} (got {e.response['Error']['Code']}: {e.response['Error'].get('Message')})")
        return
    check(False, f"should have failed with {code}")


good = client("tributary-key", "tributary-secret")
name = "signed-" + uuid.uuid4().hex[:8]
good.create_stream(StreamName=name, ShardCount=1)
check(name in good.list_streams()["StreamNames"], "a request signed with a configured key is served")
expect_error("InvalidSignatureException", client("tributary-key", "wrong-secret").list_streams)
expect_error("UnrecognizedClientException", client("someone-else", "tributary-secret").list_streams)
expect_error("MissingAuthenticationTokenException", client("x", "y", signature_version=UNSIGNED).list_streams)

# The limits count per shard per second. The calls are sent as parallel bursts (boto3 clients are thread-safe)
# so that a loaded machine, where one call may take hundreds of milliseconds, still puts many of them into one
# second; bursts repeat until a refusal is seen, for at most 20 s.
def burst(call, n):
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _: call(), range(n)))


# 1,000 records per second per shard: five concurrent calls of 500 records.
failed = 0
codes = set()
deadline = time.monotonic() + 20
while failed == 0 and time.monotonic() < deadline:
    for answer in burst(lambda: good.put_records(StreamName=name, Records=[{"Data": b"x" * 10, "PartitionKey": "k"}] * 500), 5):
        failed += answer["FailedRecordCount"]
        codes |= {r.get("ErrorCode") for r in answer["Records"] if "ErrorCode" in r}
check(codes == {"ProvisionedThroughputExceededException"}, f"throttled records carry ProvisionedThroughputExceededException ({codes})")
check(failed >= 500, f"the per-shard write limit throttled {failed} records of a burst of 2500")

# 5 GetRecords calls per second per shard: of 12 concurrent calls (the same iterator may be used again) some are refused.
iterator = good.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]


def get_records():
    try:
        good.get_records(ShardIterator=iterator, Limit=1)
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]


refused = []
deadline = time.monotonic() + 20
while not refused and time.monotonic() < deadline:
    refused = [code for code in burst(get_records, 12) if code is not None]
check(len(refused) > 0 and set(refused) == {"ProvisionedThroughputExceededException"},
      f"the per-shard read limit refused GetRecords calls with ProvisionedThroughputExceededException ({refused})")
good.delete_stream(StreamName=name)
print(f"OK {checks} checks", flush=True)
