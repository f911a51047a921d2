#!/usr/bin/env bash
# Athena query time (issue 19) beside DuckDB's own engine on the same Parquet files in the same run, and the Glue
# crawler's objects/s over SMALL small JSON objects beside DuckDB inferring the schema of the same files.
#   Data: DAYS Hive partitions (day=…) of ROWS_PER_DAY rows each, Parquet/snappy, written by DuckDB (generate.mjs).
#   Athena: boto3 (athena_client.py) — StartQueryExecution, poll GetQueryExecution every 5 ms, every GetQueryResults
#   page (1,000 rows); and again reading the result CSV from the output location (GetObject), as PyAthena's and
#   awswrangler's readers fetch large results (metric NAME_csv_ms); the table made by a crawler.
#   Reference: @duckdb/node-api (duckdb_reference.mjs) running the same
#   SQL over read_parquet(…, hive_partitioning = true), a new in-memory database per run, all rows materialised.
#   Best of REPS per query, each side; ratio = our time ÷ DuckDB's time (target ≤ 1.2).
#   Crawler: StartCrawler → READY over SMALL objects in 100 folders; reference = DuckDB's DESCRIBE of read_json over the
#   same files (schema inference alone, no catalog); ratio = our objects/s ÷ the reference's.
# Usage: bench/athena/run.sh [days] [rows_per_day] [reps] [small] [path/to/tributary.dll]
# Prints JSON lines; appends them to bench/results/athena.jsonl and bench/results/crawler.jsonl.
# Needs Debian's python3-boto3, node, and npm ci in tests/interop/formats-node.
set -euo pipefail
DAYS=${1:-8}
ROWS=${2:-2500000}
REPS=${3:-5}
SMALL=${4:-10000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${5:-$ROOT/tests/Tributary.Glue.Tests/bin/Debug/net10.0/tributary.dll}
WORK=$(mktemp -d /tmp/tributary-athena-bench.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
BUCKET=bench
OBJECTS=$WORK/objects
# The scripts import @duckdb/node-api: run from WORK, beside a link to its node_modules.
ln -s "$ROOT/tests/interop/formats-node/node_modules" "$WORK/node_modules"
cp "$ROOT/bench/athena/generate.mjs" "$ROOT/bench/athena/duckdb_reference.mjs" "$WORK/"
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

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 "$ROOT/bench/athena/athena_client.py" "$ENDPOINT" "$BUCKET" "$WORK/queries.json" "$REPS" > "$WORK/athena.out"
node "$WORK/duckdb_reference.mjs" "$WORK/queries.json" "$REPS" > "$WORK/duckdb.out"
cat > "$WORK/describe.json" <<JSON
[{"name": "describe", "reference": "DESCRIBE SELECT * FROM read_json('$OBJECTS/$BUCKET/small/*/*.json', format = 'newline_delimited', union_by_name = true, hive_partitioning = false)"}]
JSON
node "$WORK/duckdb_reference.mjs" "$WORK/describe.json" 1 > "$WORK/describe.out"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$WORK" "$DAYS" "$ROWS" "$REPS" "$SMALL" "$LOAD_BEFORE" "$LOAD_AFTER" "$DLL" "$ROOT" <<'PY'
import json, os, sys
work, days, rows, reps, small, load_before, load_after, dll, root = sys.argv[1], *map(int, sys.argv[2:6]), *sys.argv[6:10]
athena = [json.loads(l) for l in open(f"{work}/athena.out")]
duck = {d["name"]: d for d in (json.loads(l) for l in open(f"{work}/duckdb.out"))}
common = {"reps": reps, "best_of": reps, "rows_total": days * rows, "partitions": days, "dll": dll, "load_before": load_before,
          "load_after": load_after, "cores": os.cpu_count()}
with open(f"{root}/bench/results/athena.jsonl", "a") as out:
    for a in athena:
        if a["name"] == "crawler":
            continue
        csv = a["name"].endswith("_csv")
        d = duck[a["name"].removesuffix("_csv")]
        if a["rows"] != d["rows"]:
            raise SystemExit(f"{a['name']}: Athena returned {a['rows']} rows, DuckDB {d['rows']}")
        line = json.dumps({"bench": "athena", "metric": f"{a['name']}_ms", "value": round(a["ms"], 1), "unit": "ms", "reference": round(d["ms"], 1),
                           "ratio": round(a["ms"] / d["ms"], 3), "result_rows": a["rows"], "engine_ms": a["engine_ms"],
                           "client": "boto3 1.26 (start, poll 5 ms, GetObject of the result CSV, csv module)" if csv else "boto3 1.26 (start, poll 5 ms, all pages of 1,000)",
                           "note": "reference = @duckdb/node-api 1.5.6 on the same Parquet files, same SQL over read_parquet(hive_partitioning), same run", **common})
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
