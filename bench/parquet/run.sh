#!/usr/bin/env bash
# JSON lines → Parquet (snappy) conversion: `tributary convert` beside DuckDB's
# COPY (SELECT * FROM read_json(...)) TO ... (FORMAT parquet) on the same file, in the same run.
# Prints JSON lines {"bench","metric","value","unit","reference","reference_name","ratio","note"} on stdout,
# progress on stderr. Usage (from anywhere): bench/parquet/run.sh [SIZE_MB] [ROUNDS]
#   SIZE_MB  size of the generated input (default 1024); the file is /tmp/tributary-bench-events-<SIZE>mb.jsonl,
#            generated deterministically (seed 42) by generate_events.py when missing, never committed.
#   ROUNDS   runs of each converter, alternating (default 3); the median is reported.
# Needs: python3, node, /usr/bin/time, the .NET SDK; installs tests/interop/formats-node with npm ci if needed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
size_mb=${1:-1024}
rounds=${2:-3}
work=${TRIBUTARY_BENCH_DIR:-/tmp/tributary-bench-parquet}
input=/tmp/tributary-bench-events-${size_mb}mb.jsonl
node_dir=$root/tests/interop/formats-node
cores=$(nproc)
mkdir -p "$work"

for tool in python3 node /usr/bin/time dotnet; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
if [ ! -f "$node_dir/node_modules/@duckdb/node-api/package.json" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
if [ ! -f "$input" ]; then
  echo "generating $input ..." >&2
  python3 "$root/bench/parquet/generate_events.py" "$input" "$size_mb" 42 >&2
fi
input_bytes=$(stat -c %s "$input")

echo "building tributary (Release) ..." >&2
dotnet build -c Release "$root/src/Tributary.Server" --nologo -v quiet -clp:ErrorsOnly >&2
tributary=$root/src/Tributary.Server/bin/Release/net10.0/tributary

# The table a delivery stream would convert against (Hive types); DuckDB infers its own from the data
# (it finds the same shapes: UUID, TIMESTAMP, BIGINT, VARCHAR, STRUCT, lists; DOUBLE where we use DECIMAL).
columns='event_id uuid, ts timestamp, user_id bigint, session_id string, type string, country string, page string, device struct<os:string,version:string,model:string,screen_width:int>, latency_ms double, ok boolean, tags array<string>, items array<struct<sku:string,qty:int,price:decimal(10,2)>>, amount decimal(12,2), referrer string'

ours=$work/tributary.parquet
theirs=$work/duckdb.parquet
measure() { # measure PREFIX command... → sets <PREFIX>_s (wall seconds) and <PREFIX>_kb (peak RSS)
  local prefix=$1
  shift
  sync
  if ! /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
    echo "run failed: $*" >&2
    cat "$work/stderr.txt" >&2
    exit 1
  fi
  local stats
  stats=$(tail -1 "$work/time.txt")
  printf -v "${prefix}_s" '%s' "${stats% *}"
  printf -v "${prefix}_kb" '%s' "${stats#* }"
}

ours_runs=()
theirs_runs=()
ours_mem=()
theirs_mem=()
for round in $(seq 1 "$rounds"); do
  rm -f "$theirs"
  measure duck env TRIBUTARY_DUCKDB_THREADS="$cores" node "$node_dir/duckdb_read.mjs" sql \
    "COPY (SELECT * FROM read_json('$input')) TO '$theirs' (FORMAT parquet, COMPRESSION snappy)"
  rm -f "$ours"
  measure trib "$tributary" convert "$input" "$ours" --columns "$columns" --compression snappy
  echo "round $round: tributary ${trib_s}s ${trib_kb}KB, duckdb ${duck_s}s ${duck_kb}KB" >&2
  ours_runs+=("$trib_s"); theirs_runs+=("$duck_s"); ours_mem+=("$trib_kb"); theirs_mem+=("$duck_kb")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ours_s=$(median "${ours_runs[@]}")
theirs_s=$(median "${theirs_runs[@]}")
ours_kb=$(median "${ours_mem[@]}")
theirs_kb=$(median "${theirs_mem[@]}")
ours_size=$(stat -c %s "$ours")
theirs_size=$(stat -c %s "$theirs")

# Both files must hold the same data: same rows and the same aggregates over every kind of column.
check="SELECT count(*) AS n, sum(user_id) AS users, round(sum(latency_ms), 3) AS latency, count(DISTINCT event_id) AS ids,
  sum(len(tags)) AS tags, sum(len(items)) AS items, round(sum(amount::DOUBLE), 2) AS amount, count(referrer) AS referrers,
  max(epoch_us(ts::TIMESTAMP)) AS last_ts, count(*) FILTER (WHERE ok) AS oks, max(device.model) AS model"
a=$(TRIBUTARY_DUCKDB_THREADS=$cores node "$node_dir/duckdb_read.mjs" sql "$check FROM read_parquet('$ours')")
b=$(TRIBUTARY_DUCKDB_THREADS=$cores node "$node_dir/duckdb_read.mjs" sql "$check FROM read_parquet('$theirs')")
if [ "$a" != "$b" ]; then
  echo "the two files differ: tributary $a vs duckdb $b" >&2
  exit 1
fi
echo "same data in both files: $a" >&2

python3 - "$input_bytes" "$ours_s" "$theirs_s" "$ours_size" "$theirs_size" "$ours_kb" "$theirs_kb" "$cores" "$size_mb" "$rounds" \
  "${ours_runs[*]}" "${theirs_runs[*]}" <<'PY'
import json, sys
(input_bytes, ours_s, theirs_s, ours_size, theirs_size, ours_kb, theirs_kb, cores, size_mb, rounds, ours_runs, theirs_runs) = sys.argv[1:]
input_bytes = int(input_bytes); ours_s = float(ours_s); theirs_s = float(theirs_s)
ref = "DuckDB 1.5 COPY (SELECT * FROM read_json(...)) TO ... (FORMAT parquet, COMPRESSION snappy), %s threads" % cores
note = "input %d bytes JSON lines (generate_events.py %s MB, seed 42); median of %s runs, alternating; seconds per run tributary [%s] duckdb [%s]" % (input_bytes, size_mb, rounds, ours_runs, theirs_runs)
def line(metric, value, unit, reference, extra=""):
    ratio = round(value / reference, 3) if reference else None
    print(json.dumps({"bench": "parquet_convert_json_snappy", "metric": metric, "value": value, "unit": unit, "reference": reference, "reference_name": ref, "ratio": ratio, "note": (note + extra)}))
line("throughput", round(input_bytes / 1e6 / ours_s, 1), "MB/s", round(input_bytes / 1e6 / theirs_s, 1), "; MB = 10^6 bytes of JSON input; higher is better; target ratio >= 0.5 (stretch 1)")
line("output_size", int(ours_size), "bytes", int(theirs_size), "; lower is better; target ratio <= 1.2")
line("peak_rss", round(int(ours_kb) / 1024, 1), "MiB", round(int(theirs_kb) / 1024, 1), "; maximum resident set size (/usr/bin/time %M); tributary row groups of 64 MiB buffered values, two in memory at most")
PY
