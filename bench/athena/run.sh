#!/usr/bin/env bash
# Athena query time (issue 19) beside DuckDB on the same Parquet files in the same run, and the Glue crawler's
# objects/s over SMALL small JSON objects beside DuckDB inferring the schema of the same files.
#   Data: DAYS Hive partitions (day=…) of ROWS_PER_DAY rows each, Parquet/snappy, written by DuckDB (generate.mjs).
#   Client: boto3 (athena_client.py), the same code against Tributary (the table made by its crawler) and against the
#   reference server (reference_server.mjs: one @duckdb/node-api instance with a view over read_parquet(…,
#   hive_partitioning = true) of the same files, behind the least Athena-compatible HTTP front), interleaved run by
#   run; two readings per query: every GetQueryResults page of 1,000 rows (NAME_ms), and the result CSV through S3
#   GetObject (NAME_csv_ms). Medians of REPS runs after a warm-up run each.
#   Two references per reading: DuckDB's own time for the query (in the reference server, every row read, no HTTP:
#   "reference", the issue's target ratio ≤ 1.2) and the whole client round trip against the reference server
#   ("client_reference": the fair yardstick for the paged reading, whose time is mostly boto3 parsing pages).
#   Crawler: StartCrawler → READY over SMALL objects in 100 folders; reference = DuckDB's DESCRIBE of read_json over the
#   same files (schema inference alone, no catalog); ratio = our objects/s ÷ the reference's.
# Usage: bench/athena/run.sh [days] [rows_per_day] [reps] [small] [path/to/tributary.dll] [run note]
# Prints JSON lines; appends them to bench/results/athena.jsonl and bench/results/crawler.jsonl.
# Needs Debian's python3-boto3, node, and npm ci in tests/interop/formats-node.
set -euo pipefail
DAYS=${1:-8}
ROWS=${2:-2500000}
REPS=${3:-5}
SMALL=${4:-10000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${5:-$ROOT/tests/Tributary.Glue.Tests/bin/Debug/net10.0/tributary.dll}
NOTE=${6:-}
WORK=$(mktemp -d /tmp/tributary-athena-bench.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
BUCKET=bench
OBJECTS=$WORK/objects
# The scripts import @duckdb/node-api: run from WORK, beside a link to its node_modules.
ln -s "$ROOT/tests/interop/formats-node/node_modules" "$WORK/node_modules"
cp "$ROOT/bench/athena/generate.mjs" "$ROOT/bench/athena/duckdb_reference.mjs" "$ROOT/bench/athena/reference_server.mjs" "$WORK/"
node "$WORK/generate.mjs" "$OBJECTS/$BUCKET" "$DAYS" "$ROWS" "$SMALL"
FILES="$OBJECTS/$BUCKET/events/*/*.parquet"

python3 - "$WORK/queries.json" "$FILES" <<'PY'
import json, sys
files = sys.argv[2]
src = f"read_parquet('{files}', hive_partitioning = true)"
queries = [
    ("count", "SELECT count(*) FROM events", f"SELECT count(*) FROM {src}"),
    ("group_by", "SELECT category, count(*) AS n, sum(amount) AS total, avg(amount) AS mean, count(DISTINCT user_id) AS users FROM events GROUP BY category ORDER BY category",
     f"SELECT category, count(*) AS n, sum(amount) AS total, avg(amount) AS mean, count(DISTINCT user_id) AS users FROM {src} GROUP BY category ORDER BY category"),
    ("partition_filter", "SELECT user_id, sum(amount) AS total FROM events WHERE day = '2026-11-03' GROUP BY user_id ORDER BY total DESC, user_id LIMIT 100",
     f"SELECT user_id, sum(amount) AS total FROM {src} WHERE day = '2026-11-03' GROUP BY user_id ORDER BY total DESC, user_id LIMIT 100"),
    ("rows_20000", "SELECT id, category, amount FROM events WHERE day = '2026-11-02' ORDER BY id LIMIT 20000",
     f"SELECT id, category, amount FROM {src} WHERE day = '2026-11-02' ORDER BY id LIMIT 20000"),
]
json.dump([{"name": n, "athena": a, "reference": r} for n, a, r in queries], open(sys.argv[1], "w"))
PY

start_serve "$DLL" --set registry.port=0 --set "delivery.local.directory=$OBJECTS"
ENDPOINT=http://127.0.0.1:$(grep -o 'AWS APIs[^;]* on [^;]*(HTTP/1.1)' "$WORK/serve.log" | grep -o ':[0-9]* ' | tr -d ': ')
echo "{\"events\": \"read_parquet('$FILES', hive_partitioning = true)\"}" > "$WORK/tables.json"
(cd "$WORK" && node reference_server.mjs tables.json > "$WORK/reference.log" 2>&1) & PIDS+=($!)
wait_line "$WORK/reference.log" listening 60
REFERENCE=http://127.0.0.1:$(grep -o 'listening [0-9]*' "$WORK/reference.log" | grep -o '[0-9]*$')

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 "$ROOT/bench/athena/athena_client.py" "$ENDPOINT" "$BUCKET" "$WORK/queries.json" "$REPS" "$REFERENCE" "$WORK/reference.log" > "$WORK/athena.out"
cat > "$WORK/describe.json" <<JSON
[{"name": "describe", "reference": "DESCRIBE SELECT * FROM read_json('$OBJECTS/$BUCKET/small/*/*.json', format = 'newline_delimited', union_by_name = true, hive_partitioning = false)"}]
JSON
node "$WORK/duckdb_reference.mjs" "$WORK/describe.json" 1 > "$WORK/describe.out"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$WORK" "$DAYS" "$ROWS" "$REPS" "$SMALL" "$LOAD_BEFORE" "$LOAD_AFTER" "$DLL" "$ROOT" "$NOTE" <<'PY'
import json, os, sys
work, days, rows, reps, small, load_before, load_after, dll, root, note = sys.argv[1], *map(int, sys.argv[2:6]), *sys.argv[6:11]
athena = [json.loads(l) for l in open(f"{work}/athena.out")]
common = {"reps": reps, "statistic": "median", "rows_total": days * rows, "partitions": days, "dll": dll, "load_before": load_before,
          "load_after": load_after, "cores": os.cpu_count(), "run": note}
with open(f"{root}/bench/results/athena.jsonl", "a") as out:
    for a in athena:
        if a["name"] == "crawler":
            continue
        csv = a["name"].endswith("_csv")
        line = json.dumps({"bench": "athena", "metric": f"{a['name']}_ms", "value": round(a["ms"], 1), "unit": "ms", "reference": round(a["duckdb_ms"], 1),
                           "ratio": round(a["ms"] / a["duckdb_ms"], 3), "client_reference": round(a["reference_ms"], 1),
                           "client_ratio": round(a["ms"] / a["reference_ms"], 3), "result_rows": a["rows"], "engine_ms": a["engine_ms"],
                           "best": a.get("best"), "phases_median_ms": a.get("phases_median_ms"),
                           "ms_all": a["ms_all"], "client_reference_ms_all": a["reference_ms_all"],
                           "client": "boto3 1.26 (start, poll 5 ms, GetObject of the result CSV, csv module)" if csv else "boto3 1.26 (start, poll 5 ms, all pages of 1,000)",
                           "note": "reference = @duckdb/node-api 1.5.6, one instance, the query on a new connection over read_parquet(hive_partitioning) of the same files, every row read; client_reference = the same boto3 client against reference_server.mjs (that DuckDB behind a minimal Athena front); interleaved with ours run by run", **common})
        print(line)
        out.write(line + "\n")
crawler = next(a for a in athena if a["name"] == "crawler")
describe = json.loads(open(f"{work}/describe.out").read().splitlines()[0])
ours, reference = small / crawler["seconds"], small / (describe["ms"] / 1000)
line = json.dumps({"bench": "crawler", "metric": "objects_per_s", "value": round(ours, 1), "unit": "objects/s", "reference": round(reference, 1),
                   "ratio": round(ours / reference, 3), "objects": small, "partitions_found": crawler["partitions"], "crawl_s": round(crawler["seconds"], 2),
                   "note": "StartCrawler → READY (list, classify, infer, catalog writes) vs DuckDB DESCRIBE read_json over the same files (inference alone), same run",
                   "dll": dll, "load_before": load_before, "load_after": load_after, "cores": os.cpu_count()})
print(line)
open(f"{root}/bench/results/crawler.jsonl", "a").write(line + "\n")
PY
