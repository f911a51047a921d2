"""boto3 (Debian's python3-boto3) against a running Tributary: a Glue database and a partitioned JSON-lines table
(plain and gzip objects written into the local object directory), partitions registered with BatchCreatePartition,
an Athena GROUP BY query polled to SUCCEEDED, its ResultSet (header row, types, paging) and the CSV and metadata in
the output location; then bad input: malformed SQL, an unknown table, results of a failed query, an unknown id, no
output location. Usage: athena_boto3.py ENDPOINT OBJECTS_DIR. Prints one line per check; exits 1 at the first failure."""
import csv
import gzip
import json
import os
import sys
import time
import uuid

import boto3
import botocore.exceptions

endpoint, objects_dir = sys.argv[1], sys.argv[2]
glue = boto3.client("glue", endpoint_url=endpoint)
athena = boto3.client("athena", endpoint_url=endpoint)
checks = 0


def check(description, expected, actual):
    global checks
    if expected != actual:
        print(f"FAILED: {description}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    checks += 1
    print(f"ok: {description}")


def expect_error(description, code, text, call):
    global checks
    try:
        call()
    except botocore.exceptions.ClientError as error:
        check(description + ": code", code, error.response["Error"]["Code"])
        if text not in error.response["Error"]["Message"]:
            print(f"FAILED: {description}: {text!r} not in {error.response['Error']['Message']!r}")
            sys.exit(1)
        return
    print(f"FAILED: {description}: no error")
    sys.exit(1)


def wait(query_id):
    deadline = time.time() + 60
    while time.time() < deadline:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return execution
        time.sleep(0.1)
    print(f"FAILED: query {query_id} did not finish")
    sys.exit(1)


suffix = uuid.uuid4().hex[:8]
db, bucket, results = f"lake_{suffix}", f"lake-{suffix}", f"results-{suffix}"
glue.create_database(DatabaseInput={"Name": db})
glue.create_table(DatabaseName=db, TableInput={
    "Name": "events", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
    "StorageDescriptor": {
        "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "kind", "Type": "string"}, {"Name": "amount", "Type": "double"}],
        "Location": f"s3://{bucket}/events/",
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}},
    "PartitionKeys": [{"Name": "dt", "Type": "string"}]})

kinds = {"click": 0, "view": 0, "buy": 0}
for day in range(1, 4):
    folder = os.path.join(objects_dir, bucket, "events", f"dt=2024-01-0{day}")
    os.makedirs(folder, exist_ok=True)
    lines = []
    for i in range(50 * day):
        kind = ("click", "view", "buy")[(i + day) % 3]
        kinds[kind] += 1
        lines.append(json.dumps({"id": day * 1000 + i, "kind": kind, "amount": i / 2}))
    data = ("\n".join(lines) + "\n").encode()
    if day == 2:
        with open(os.path.join(folder, "part-0"), "wb") as f:
            f.write(gzip.compress(data))
    else:
        with open(os.path.join(folder, "part-0.json"), "wb") as f:
            f.write(data)
response = glue.batch_create_partition(DatabaseName=db, TableName="events", PartitionInputList=[
    {"Values": [f"2024-01-0{day}"], "StorageDescriptor": {"Location": f"s3://{bucket}/events/dt=2024-01-0{day}/"}} for day in range(1, 4)])
check("batch_create_partition: no errors", [], response["Errors"])

query = "SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind"
start = athena.start_query_execution(QueryString=query, QueryExecutionContext={"Database": db},
                                     ResultConfiguration={"OutputLocation": f"s3://{results}/athena/"})
query_id = start["QueryExecutionId"]
execution = wait(query_id)
check("GROUP BY: state", "SUCCEEDED", execution["Status"]["State"])
check("GROUP BY: output location", f"s3://{results}/athena/{query_id}.csv", execution["ResultConfiguration"]["OutputLocation"])
check("GROUP BY: statistics scanned bytes > 0", True, execution["Statistics"]["DataScannedInBytes"] > 0)
check("GROUP BY: work group", "primary", execution["WorkGroup"])
result = athena.get_query_results(QueryExecutionId=query_id)
rows = [[d.get("VarCharValue") for d in row["Data"]] for row in result["ResultSet"]["Rows"]]
expected = [["kind", "n"]] + [[k, str(kinds[k])] for k in sorted(kinds)]
check("get_query_results: header row then counts", expected, rows)
check("get_query_results: column types", [("kind", "varchar"), ("n", "bigint")],
      [(c["Name"], c["Type"]) for c in result["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]])
page = athena.get_query_results(QueryExecutionId=query_id, MaxResults=2)
check("paging: first page holds the header and one row", 2, len(page["ResultSet"]["Rows"]))
rest = athena.get_query_results(QueryExecutionId=query_id, MaxResults=2, NextToken=page["NextToken"])
check("paging: second page has no header", [[k, str(kinds[k])] for k in sorted(kinds)][1:3],
      [[d.get("VarCharValue") for d in row["Data"]] for row in rest["ResultSet"]["Rows"]])
csv_path = os.path.join(objects_dir, results, "athena", query_id + ".csv")
with open(csv_path, newline="") as f:
    check("CSV in the output location", expected, list(csv.reader(f)))
with open(csv_path) as f:
    check("CSV values are quoted", '"kind","n"', f.readline().strip())
check("metadata beside the CSV", True, os.path.exists(csv_path + ".metadata"))

pruned = athena.start_query_execution(QueryString=f"SELECT count(*), min(dt) FROM {db}.events WHERE dt = '2024-01-02'",
                                      ResultConfiguration={"OutputLocation": f"s3://{results}/athena/"})["QueryExecutionId"]
pruned_execution = wait(pruned)
check("partition filter: count", ["100", "2024-01-02"],
      [d.get("VarCharValue") for d in athena.get_query_results(QueryExecutionId=pruned)["ResultSet"]["Rows"][1]["Data"]])
check("partition filter: fewer bytes scanned", True,
      pruned_execution["Statistics"]["DataScannedInBytes"] < execution["Statistics"]["DataScannedInBytes"])

functions = athena.start_query_execution(
    QueryString="SELECT date_format(date_parse('2024-03-05 07:08', '%Y-%m-%d %H:%i'), '%d/%m/%Y'), approx_distinct(kind) FROM events",
    QueryExecutionContext={"Database": db}, ResultConfiguration={"OutputLocation": f"s3://{results}/athena/"})["QueryExecutionId"]
check("Trino functions", "SUCCEEDED", wait(functions)["Status"]["State"])
check("Trino functions: values", ["05/03/2024", "3"],
      [d.get("VarCharValue") for d in athena.get_query_results(QueryExecutionId=functions)["ResultSet"]["Rows"][1]["Data"]])

bad = athena.start_query_execution(QueryString="SELECT kind FROM events GROUP BY", QueryExecutionContext={"Database": db},
                                   ResultConfiguration={"OutputLocation": f"s3://{results}/athena/"})["QueryExecutionId"]
bad_execution = wait(bad)
check("malformed SQL: FAILED", "FAILED", bad_execution["Status"]["State"])
check("malformed SQL: user error", (2, 1000), (bad_execution["Status"]["AthenaError"]["ErrorCategory"], bad_execution["Status"]["AthenaError"]["ErrorType"]))
check("malformed SQL: reason", True, "syntax error" in bad_execution["Status"]["StateChangeReason"])
expect_error("results of a failed query", "InvalidRequestException", "Query did not finish successfully. Final query state: FAILED",
             lambda: athena.get_query_results(QueryExecutionId=bad))
unknown = athena.start_query_execution(QueryString="SELECT * FROM no_such_table", QueryExecutionContext={"Database": db},
                                       ResultConfiguration={"OutputLocation": f"s3://{results}/athena/"})["QueryExecutionId"]
unknown_execution = wait(unknown)
check("unknown table: FAILED", "FAILED", unknown_execution["Status"]["State"])
check("unknown table: names it", True, "no_such_table" in unknown_execution["Status"]["StateChangeReason"])
expect_error("unknown query id", "InvalidRequestException", "was not found", lambda: athena.get_query_execution(QueryExecutionId=str(uuid.uuid4())))
expect_error("no output location", "InvalidRequestException", "No output location provided",
             lambda: athena.start_query_execution(QueryString="SELECT 1"))
expect_error("MaxResults above 1000", "InvalidRequestException", "MaxResults is more than maximum allowed length 1000",
             lambda: athena.get_query_results(QueryExecutionId=query_id, MaxResults=1001))
expect_error("unknown work group", "InvalidRequestException", "is not found", lambda: athena.get_work_group(WorkGroup="nope"))
check("get_work_group primary", "ENABLED", athena.get_work_group(WorkGroup="primary")["WorkGroup"]["State"])
check("list_work_groups", ["primary"], [w["Name"] for w in athena.list_work_groups()["WorkGroups"]])
check("list_query_executions: newest first", unknown, athena.list_query_executions()["QueryExecutionIds"][0])
batch = athena.batch_get_query_execution(QueryExecutionIds=[query_id, "missing-id"])
check("batch_get_query_execution", ([query_id], ["missing-id"]),
      ([e["QueryExecutionId"] for e in batch["QueryExecutions"]], [u["QueryExecutionId"] for u in batch["UnprocessedQueryExecutionIds"]]))
athena.stop_query_execution(QueryExecutionId=query_id)
check("stop on a finished query leaves it", "SUCCEEDED", athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]["State"])
print(f"all {checks} checks passed")
