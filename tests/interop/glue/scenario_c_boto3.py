"""Scenario C end to end with boto3 (Debian's python3-boto3) against a running Tributary: an on-demand Kinesis stream,
a delivery stream reading it into GZIP JSON-lines objects (Firehose's default YYYY/MM/DD/HH/ prefix), records put, a
Glue crawler over the bucket, get_tables showing the inferred schema and the 4 partition keys, an Athena GROUP BY polled
to SUCCEEDED whose get_query_results counts match the records put, and the result CSV in the output location, read
through the S3 API. Usage: scenario_c_boto3.py ENDPOINT. Prints one line per check; exits 1 at the first failure."""
import collections
import csv
import gzip
import io
import json
import random
import sys
import time
import uuid

import boto3
from botocore.config import Config
from interop_checks import check, passed

endpoint = sys.argv[1]
suffix = uuid.uuid4().hex[:8]
kinesis = boto3.client("kinesis", endpoint_url=endpoint)
# Zero buffering (IntervalInSeconds 0) is valid for Firehose but older botocore models say 60 at least.
firehose = boto3.client("firehose", endpoint_url=endpoint, config=Config(parameter_validation=False))
glue = boto3.client("glue", endpoint_url=endpoint)
athena = boto3.client("athena", endpoint_url=endpoint)
s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}))


def wait_for(description, condition, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    print(f"FAILED: {description}: timed out")
    sys.exit(1)


stream, delivery, bucket, db = f"orders-{suffix}", f"orders-to-s3-{suffix}", f"lake-{suffix}", f"lake_{suffix}"
kinesis.create_stream(StreamName=stream, StreamModeDetails={"StreamMode": "ON_DEMAND"})
wait_for("stream ACTIVE", lambda: kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE")
summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
check("kinesis: on-demand stream", "ON_DEMAND", summary["StreamModeDetails"]["StreamMode"])
s3.create_bucket(Bucket=bucket)
firehose.create_delivery_stream(
    DeliveryStreamName=delivery, DeliveryStreamType="KinesisStreamAsSource",
    KinesisStreamSourceConfiguration={"KinesisStreamARN": summary["StreamARN"], "RoleARN": "arn:aws:iam::000000000000:role/firehose"},
    ExtendedS3DestinationConfiguration={
        "RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": f"arn:aws:s3:::{bucket}",
        "CompressionFormat": "GZIP", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
wait_for("delivery stream ACTIVE", lambda: firehose.describe_delivery_stream(DeliveryStreamName=delivery)["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")

rng = random.Random(19)
records = [{"order_id": i, "category": rng.choice(["books", "games", "music", "toys"]), "amount": round(rng.uniform(1, 100), 2),
            "customer": {"id": rng.randint(1, 50), "country": rng.choice(["DE", "FR", "US"])}} for i in range(300)]
expected = collections.Counter(r["category"] for r in records)
for start in range(0, len(records), 100):
    batch = [{"Data": (json.dumps(r) + "\n").encode(), "PartitionKey": str(r["order_id"])} for r in records[start:start + 100]]
    check(f"put_records {start}: no failures", 0, kinesis.put_records(StreamName=stream, Records=batch)["FailedRecordCount"])


def delivered():
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])]
    lines = sum(len(gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).splitlines()) for k in keys)
    return keys if lines == len(records) else None


keys = wait_for("every record delivered", delivered)
check("objects in Firehose's YYYY/MM/DD/HH/ layout", True, all(len(k.split("/")) == 5 for k in keys))

crawler = f"lake-{suffix}"
glue.create_crawler(Name=crawler, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=db, Targets={"S3Targets": [{"Path": f"s3://{bucket}/"}]})
glue.start_crawler(Name=crawler)
wait_for("crawler READY with a last crawl", lambda: (c := glue.get_crawler(Name=crawler)["Crawler"])["State"] == "READY" and "LastCrawl" in c)
check("crawl SUCCEEDED", "SUCCEEDED", glue.get_crawler(Name=crawler)["Crawler"]["LastCrawl"]["Status"])
tables = glue.get_tables(DatabaseName=db)["TableList"]
table_name = bucket.replace("-", "_")
check("get_tables: one table named after the bucket", [table_name], [t["Name"] for t in tables])
table = tables[0]
check("get_tables: the inferred schema", [("order_id", "bigint"), ("category", "string"), ("amount", "double"), ("customer", "struct<id:bigint,country:string>")],
      [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]])
check("get_tables: 4 partition keys", ["partition_0", "partition_1", "partition_2", "partition_3"], [k["Name"] for k in table["PartitionKeys"]])
check("get_tables: json, gzip", ("json", "gzip"), (table["Parameters"]["classification"], table["Parameters"]["compressionType"]))
hours = sorted({tuple(k.split("/")[:4]) for k in keys})
check("get_partitions: one per delivered hour", hours, sorted(tuple(p["Values"]) for p in glue.get_partitions(DatabaseName=db, TableName=table_name)["Partitions"]))

output = f"s3://{bucket}-results/athena/"
s3.create_bucket(Bucket=f"{bucket}-results")
query = athena.start_query_execution(QueryString=f"SELECT category, count(*) AS orders, round(sum(amount), 2) AS total FROM {table_name} GROUP BY category ORDER BY category",
                                     QueryExecutionContext={"Database": db}, ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
state = wait_for("query finished", lambda: (s := athena.get_query_execution(QueryExecutionId=query)["QueryExecution"]["Status"])["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") and s)
check("athena: SUCCEEDED", "SUCCEEDED", state["State"])
rows = athena.get_query_results(QueryExecutionId=query)["ResultSet"]["Rows"]
check("athena: header row", ["category", "orders", "total"], [d["VarCharValue"] for d in rows[0]["Data"]])
check("athena: GROUP BY counts", sorted(expected.items()), [(r["Data"][0]["VarCharValue"], int(r["Data"][1]["VarCharValue"])) for r in rows[1:]])
totals = collections.defaultdict(float)
for r in records:
    totals[r["category"]] += r["amount"]
check("athena: sums", [round(totals[c], 2) for c in sorted(totals)], [float(r["Data"][2]["VarCharValue"]) for r in rows[1:]])
location = athena.get_query_execution(QueryExecutionId=query)["QueryExecution"]["ResultConfiguration"]["OutputLocation"]
check("athena: output location is <id>.csv", f"{output}{query}.csv", location)
body = s3.get_object(Bucket=f"{bucket}-results", Key=f"athena/{query}.csv")["Body"].read().decode()
csv_rows = list(csv.reader(io.StringIO(body)))
check("the CSV in the output location", [["category", "orders", "total"]] + [[c, str(expected[c])] for c in sorted(expected)], [r[:2] if i else r for i, r in enumerate(csv_rows)])
print(f"all {passed()} checks passed")
