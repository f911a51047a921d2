"""The Athena side of bench/athena/run.sh, with boto3 against a running Tributary: a crawler over the Parquet events
(the table and its partitions), then each query through the API as a client runs it — StartQueryExecution, poll
GetQueryExecution every 5 ms, GetQueryResults page by page (1,000 rows) — best of REPS wall times; the same query
read the way PyAthena's and awswrangler's result readers read large results (start, poll, then GetObject of the
result CSV at the execution's OutputLocation, parsed with the csv module) — best of REPS; then the crawler
over SMALL small JSON objects, timed from StartCrawler to READY. Usage: athena_client.py ENDPOINT BUCKET QUERIES.json REPS
→ one JSON object per query (name, and name + "_csv"), then {"name": "crawler", ...}, on stdout."""
import csv
import io
import json
import sys
import time

import boto3
import botocore.config

endpoint, bucket, queries_file, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
glue = boto3.client("glue", endpoint_url=endpoint)
athena = boto3.client("athena", endpoint_url=endpoint)
s3 = boto3.client("s3", endpoint_url=endpoint, config=botocore.config.Config(s3={"addressing_style": "path"}))
role = "arn:aws:iam::000000000000:role/glue"


def crawl(name, path):
    glue.create_crawler(Name=name, Role=role, DatabaseName="bench", Targets={"S3Targets": [{"Path": path}]})
    started = time.perf_counter()
    glue.start_crawler(Name=name)
    while True:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            if crawler["LastCrawl"]["Status"] != "SUCCEEDED":
                raise SystemExit(f"crawler {name}: {crawler['LastCrawl']}")
            return time.perf_counter() - started
        time.sleep(0.02)


def run_to_completion(sql):
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": "bench"},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/results/"})["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        state = execution["Status"]
        if state["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.005)
    if state["State"] != "SUCCEEDED":
        raise SystemExit(f"query failed: {state}")
    return query_id, execution


def run_csv(sql):
    started = time.perf_counter()
    query_id, execution = run_to_completion(sql)
    location = execution["ResultConfiguration"]["OutputLocation"]
    result_bucket, key = location[len("s3://"):].split("/", 1)
    text = s3.get_object(Bucket=result_bucket, Key=key)["Body"].read().decode("utf-8")
    rows = sum(1 for _ in csv.reader(io.StringIO(text)))
    return (time.perf_counter() - started) * 1000, rows - 1, query_id


def run(sql):
    started = time.perf_counter()
    query_id, _ = run_to_completion(sql)
    rows, token = 0, None
    while True:
        page = athena.get_query_results(QueryExecutionId=query_id, MaxResults=1000, **({"NextToken": token} if token else {}))
        rows += len(page["ResultSet"]["Rows"])
        token = page.get("NextToken")
        if not token:
            break
    return (time.perf_counter() - started) * 1000, rows - 1, query_id


crawl("events", f"s3://{bucket}/events/")
for query in json.load(open(queries_file)):
    run(query["athena"])  # warm-up: the page cache and the process, as the reference's first run warms DuckDB
    best, rows, last = min(run(query["athena"]) for _ in range(reps))
    statistics = athena.get_query_execution(QueryExecutionId=last)["QueryExecution"]["Statistics"]
    print(json.dumps({"name": query["name"], "ms": best, "rows": rows, "engine_ms": statistics.get("EngineExecutionTimeInMillis")}), flush=True)
    run_csv(query["athena"])
    best, rows, last = min(run_csv(query["athena"]) for _ in range(reps))
    statistics = athena.get_query_execution(QueryExecutionId=last)["QueryExecution"]["Statistics"]
    print(json.dumps({"name": query["name"] + "_csv", "ms": best, "rows": rows, "engine_ms": statistics.get("EngineExecutionTimeInMillis")}), flush=True)
seconds = crawl("small", f"s3://{bucket}/small/")
partitions = len(glue.get_partitions(DatabaseName="bench", TableName="small")["Partitions"])
print(json.dumps({"name": "crawler", "seconds": seconds, "partitions": partitions}))
