#!/usr/bin/python3
"""PutRecords in a loop until the server goes away, printing every acknowledged record.

Usage: kinesis_crash_producer.py ENDPOINT_URL STREAM
Prints "ACK <shard id> <sequence number> <data>" for each record PutRecords returned a sequence number for
(flushed before the next call), and "GONE" when a call fails because the server died (exit 0).
"""
import os
import signal
import sys

import boto3
import botocore.config
from botocore.exceptions import BotoCoreError, ClientError

signal.alarm(int(os.environ.get("TRIBUTARY_INTEROP_TIMEOUT", "120")))
endpoint, stream = sys.argv[1], sys.argv[2]
client = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1").client(
    "kinesis", endpoint_url=endpoint, config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))
number = 0
while True:
    records = []
    for _ in range(100):
        records.append({"Data": f"record-{number}".encode(), "PartitionKey": f"key-{number % 17}"})
        number += 1
    try:
        answer = client.put_records(StreamName=stream, Records=records)
    except (BotoCoreError, ClientError) as e:
        print("GONE " + type(e).__name__, flush=True)
        sys.exit(0)
    lines = [f"ACK {r['ShardId']} {r['SequenceNumber']} {rec['Data'].decode()}" for rec, r in zip(records, answer["Records"]) if "SequenceNumber" in r]
    print("\n".join(lines), flush=True)
