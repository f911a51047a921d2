"""The client side of bench/athena/run.sh, with boto3: a crawler over the Parquet events on Tributary (the table and
its partitions), then each query through the Athena API, the same client against Tributary and against the reference
server (reference_server.mjs: DuckDB behind the least Athena-compatible HTTP front), interleaved run by run so that
the shared machine's load falls on both alike. Two ways of reading a result: paged (StartQueryExecution, poll
GetQueryExecution every 5 ms, every GetQueryResults page of 1,000 rows) and CSV (start, poll, then GetObject of the
result CSV at the execution's OutputLocation, parsed with the csv module, as PyAthena's and awswrangler's readers
fetch large results). DuckDB's own time for each reference run (the query alone, every row read, in the reference
server's process) is read from the reference server's log. Medians of REPS runs after one warm-up run each. Then the
crawler over the small JSON objects, timed from StartCrawler to READY.
Usage: athena_client.py ENDPOINT BUCKET QUERIES.json REPS REFERENCE_ENDPOINT REFERENCE_LOG
→ one JSON object per query and reading ({"name", "ms", "reference_ms", "duckdb_ms", "rows", "engine_ms"}), then
{"name": "crawler", ...}, on stdout."""
import csv
import io
import json
import statistics
import sys
import time

import boto3
import botocore.config

endpoint, bucket, queries_file, reps, reference_endpoint, reference_log = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
config = botocore.config.Config(s3={"addressing_style": "path"})
glue = boto3.client("glue", endpoint_url=endpoint)
ours = (boto3.client("athena", endpoint_url=endpoint), boto3.client("s3", endpoint_url=endpoint, config=config))
reference = (boto3.client("athena", endpoint_url=reference_endpoint), boto3.client("s3", endpoint_url=reference_endpoint, config=config))
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


def run_to_completion(athena, sql, phases=None):
    started = time.perf_counter()
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": "bench"},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/results/"})["QueryExecutionId"]
    answered = time.perf_counter()
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        state = execution["Status"]
        if state["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.005)
    if state["State"] != "SUCCEEDED":
        raise SystemExit(f"query failed: {state}")
    if phases is not None:
        phases["start"] = (answered - started) * 1000
        phases["poll"] = (time.perf_counter() - answered) * 1000
    return query_id, execution


def run_csv(clients, sql, phases):
    athena, s3 = clients
    started = time.perf_counter()
    query_id, execution = run_to_completion(athena, sql, phases)
    fetching = time.perf_counter()
    result_bucket, key = execution["ResultConfiguration"]["OutputLocation"][len("s3://"):].split("/", 1)
    text = s3.get_object(Bucket=result_bucket, Key=key)["Body"].read().decode("utf-8")
    rows = sum(1 for _ in csv.reader(io.StringIO(text)))
    phases["results"] = (time.perf_counter() - fetching) * 1000
    return (time.perf_counter() - started) * 1000, rows - 1, query_id


def run_paged(clients, sql, phases):
    athena, _ = clients
    started = time.perf_counter()
    query_id, _ = run_to_completion(athena, sql, phases)
    fetching = time.perf_counter()
    rows, token = 0, None
    while True:
        page = athena.get_query_results(QueryExecutionId=query_id, MaxResults=1000, **({"NextToken": token} if token else {}))
        rows += len(page["ResultSet"]["Rows"])
        token = page.get("NextToken")
        if not token:
            break
    phases["results"] = (time.perf_counter() - fetching) * 1000
    return (time.perf_counter() - started) * 1000, rows - 1, query_id


def duckdb_ms(query_id):
    for line in open(reference_log):
        if query_id in line:
            return json.loads(line)["ms"]
    raise SystemExit(f"reference query {query_id} not in {reference_log}")


crawl("events", f"s3://{bucket}/events/")
for query in json.load(open(queries_file)):
    for reading, run in (("", run_paged), ("_csv", run_csv)):
        run(ours, query["athena"], {})  # warm-up: the page cache and both processes
        run(reference, query["athena"], {})
        mine, theirs, duck, rows, last = [], [], [], None, None
        my_phases, their_phases = [], []
        for _ in range(reps):
            my_phases.append({})
            ms, rows, last = run(ours, query["athena"], my_phases[-1])
            mine.append(ms)
            their_phases.append({})
            ms, reference_rows, reference_id = run(reference, query["athena"], their_phases[-1])
            if reference_rows != rows:
                raise SystemExit(f"{query['name']}: Tributary returned {rows} rows, the reference {reference_rows}")
            theirs.append(ms)
            duck.append(duckdb_ms(reference_id))
        engine = ours[0].get_query_execution(QueryExecutionId=last)["QueryExecution"]["Statistics"].get("EngineExecutionTimeInMillis")
        phases = {side: {p: round(statistics.median(x[p] for x in runs), 1) for p in ("start", "poll", "results")}
                  for side, runs in (("ours", my_phases), ("reference", their_phases))}
        print(json.dumps({"name": query["name"] + reading, "ms": statistics.median(mine), "reference_ms": statistics.median(theirs),
                          "duckdb_ms": statistics.median(duck), "rows": rows, "engine_ms": engine,
                          "best": {"ours": round(min(mine), 1), "client_reference": round(min(theirs), 1), "duckdb": round(min(duck), 1)},
                          "phases_median_ms": phases,
                          "ms_all": [round(m, 1) for m in mine], "reference_ms_all": [round(m, 1) for m in theirs]}), flush=True)
seconds = crawl("small", f"s3://{bucket}/small/")
partitions = len(glue.get_partitions(DatabaseName="bench", TableName="small")["Partitions"])
print(json.dumps({"name": "crawler", "seconds": seconds, "partitions": partitions}))
