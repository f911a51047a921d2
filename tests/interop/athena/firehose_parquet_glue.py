"""Firehose's Parquet conversion with SchemaConfiguration naming a table made with `aws glue create-table` (Debian's
AWS CLI), driven with boto3 against a running Tributary: the delivered object is Parquet with the table's columns
(a record key the table lacks is dropped, a number becomes the table's string), read back through Athena.
Usage: firehose_parquet_glue.py ENDPOINT OBJECTS_DIR. Prints one line per check; exits 1 at the first failure."""
import json
import os
import subprocess
import sys
import time
import uuid

import boto3
from botocore.config import Config

endpoint, objects_dir = sys.argv[1], sys.argv[2]
# Zero buffering (IntervalInSeconds 0) is valid for Firehose but older botocore models say 60 at least.
firehose = boto3.client("firehose", endpoint_url=endpoint, config=Config(parameter_validation=False))
athena = boto3.client("athena", endpoint_url=endpoint)
glue = boto3.client("glue", endpoint_url=endpoint)
checks = 0


def check(description, expected, actual):
    global checks
    if expected != actual:
        print(f"FAILED: {description}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    checks += 1
    print(f"ok: {description}")


def cli(*args):
    result = subprocess.run(["/usr/bin/aws", "--endpoint-url", endpoint, "--no-cli-pager", *args], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"FAILED: aws {' '.join(args)}: {result.stderr}")
        sys.exit(1)
    return result.stdout


suffix = uuid.uuid4().hex[:8]
db, bucket, stream = f"fh_{suffix}", f"parquet-{suffix}", f"parquet-{suffix}"
cli("glue", "create-database", "--database-input", json.dumps({"Name": db}))
cli("glue", "create-table", "--database-name", db, "--table-input", json.dumps({
    "Name": "clicks", "Parameters": {"classification": "parquet"},
    "StorageDescriptor": {
        "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "page", "Type": "string"}, {"Name": "amount", "Type": "double"}],
        "Location": f"s3://{bucket}/clicks/",
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}}))

firehose.create_delivery_stream(DeliveryStreamName=stream, DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
    "RoleARN": "arn:aws:iam::000000000000:role/firehose", "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "clicks/",
    "ErrorOutputPrefix": "errors/", "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 0},
    "DataFormatConversionConfiguration": {
        "Enabled": True,
        "SchemaConfiguration": {"DatabaseName": db, "TableName": "clicks", "VersionId": "LATEST", "Region": "us-east-1",
                                "RoleARN": "arn:aws:iam::000000000000:role/firehose"},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}}}})
deadline = time.time() + 60
while firehose.describe_delivery_stream(DeliveryStreamName=stream)["DeliveryStreamDescription"]["DeliveryStreamStatus"] != "ACTIVE":
    if time.time() > deadline:
        print("FAILED: stream not ACTIVE")
        sys.exit(1)
    time.sleep(0.2)
records = [{"Data": (json.dumps({"id": i, "page": 100 + i % 4, "amount": i * 0.5, "not_in_table": "x"}) + "\n").encode()} for i in range(40)]
check("put_record_batch: no failures", 0, firehose.put_record_batch(DeliveryStreamName=stream, Records=records)["FailedPutCount"])

root = os.path.join(objects_dir, bucket, "clicks")
deadline = time.time() + 90
files = []
while time.time() < deadline:
    files = [os.path.join(d, f) for d, _, names in os.walk(root) for f in names if f.endswith(".parquet")] if os.path.isdir(root) else []
    if files and sum(1 for _ in files) > 0:
        break
    time.sleep(0.5)
check("a Parquet object was delivered", True, len(files) > 0)
with open(files[0], "rb") as f:
    head = f.read(4)
check("the object is Parquet", b"PAR1", head)


def query(sql):
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": db},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/athena/"})["QueryExecutionId"]
    deadline = time.time() + 60
    while time.time() < deadline:
        state = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if state["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.1)
    check(f"query {sql!r}", "SUCCEEDED", state["State"])
    return [[d.get("VarCharValue") for d in row["Data"]] for row in athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]]


deadline = time.time() + 60
while True:
    rows = query("SELECT count(*), sum(amount), max(page), typeof(max(page)) FROM clicks")
    if rows[1][0] == "40" or time.time() > deadline:
        break
    time.sleep(1)
check("the table's columns and types came from Glue", ["40", "390.0", "103", "VARCHAR"], rows[1])
print(f"all {checks} checks passed")
