#!/usr/bin/env bash
# `aws s3 cp` throughput through the S3 API of the embedded bucket (issue 19), beside the same CLI against s3rver (a
# peer S3-compatible server, tests/interop/s3) and a raw disk copy of the same file, in the same run: a FILE of SIZE
# MiB (random bytes) uploaded (multipart, the CLI's 8 MiB parts, 10 threads) and downloaded again, checked byte-equal.
# Each transfer runs REPS times per server; the best time counts (the machine is shared).
#   Reference: s3rver for the API figures (ratio = Tributary ÷ s3rver throughput: above 1, Tributary is faster);
#   the raw disk copy (cp + sync) is printed beside them as a second reference.
# Usage: bench/s3/run.sh [MiB] [reps] [path/to/tributary.dll]
# Prints JSON lines; appends them to bench/results/s3-api.jsonl. Needs Debian's awscli, node and npm ci in tests/interop/s3.
set -euo pipefail
MIB=${1:-200}
REPS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${3:-$ROOT/tests/Tributary.S3.Tests/bin/Debug/net10.0/tributary.dll}
WORK=$(mktemp -d /tmp/tributary-s3-bench.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
# s3rver accepts only its default key pair; Tributary (aws.credentials = any) accepts every one.
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
AWS=/usr/bin/aws

head -c $((MIB * 1024 * 1024)) /dev/urandom > "$WORK/input.bin"
BYTES=$(stat -c %s "$WORK/input.bin")

start_serve "$DLL" --set registry.port=0 --set "delivery.local.directory=$WORK/objects"
TRIBUTARY=http://127.0.0.1:$(grep -o 'AWS APIs[^;]* on [^;]*(HTTP/1.1)' "$WORK/serve.log" | grep -o ':[0-9]* ' | tr -d ': ')

# s3rver exits when its stdin closes: hold a FIFO open on fd 3 until this script exits.
mkfifo "$WORK/s3rver.in"
node "$ROOT/tests/interop/s3/start-s3rver.mjs" "$WORK/s3rver" "$WORK/s3rver.requests" < "$WORK/s3rver.in" > "$WORK/s3rver.out" 2>&1 & PIDS+=($!)
exec 3> "$WORK/s3rver.in"
wait_line "$WORK/s3rver.out" port 60
S3RVER=http://127.0.0.1:$(grep -o '"port": *[0-9]*' "$WORK/s3rver.out" | grep -o '[0-9]*$')

now() { date +%s.%N; }
# best_of CMD...: runs CMD REPS times, sets BEST to the shortest wall time in seconds.
best_of() {
  BEST=""
  for _ in $(seq 1 "$REPS"); do
    local t0 t1
    t0=$(now); "$@" > /dev/null; t1=$(now)
    BEST=$(python3 -c "b='$BEST'; t=$t1-$t0; print(t if not b or t < float(b) else b)")
  done
}

measure() { # name endpoint → sets <name>_UP and <name>_DOWN (seconds)
  local name=$1 endpoint=$2
  $AWS --endpoint-url "$endpoint" s3 mb s3://bench > /dev/null
  best_of $AWS --endpoint-url "$endpoint" s3 cp "$WORK/input.bin" s3://bench/input.bin --only-show-errors
  printf -v "${name}_UP" %s "$BEST"
  best_of $AWS --endpoint-url "$endpoint" s3 cp s3://bench/input.bin "$WORK/$name.out" --only-show-errors
  printf -v "${name}_DOWN" %s "$BEST"
  cmp "$WORK/input.bin" "$WORK/$name.out"
  rm -f "$WORK/$name.out"
}
disk_copy() { cp "$WORK/input.bin" "$WORK/disk.out" && sync "$WORK/disk.out" && rm -f "$WORK/disk.out"; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure tributary "$TRIBUTARY"
measure s3rver "$S3RVER"
best_of disk_copy
DISK=$BEST
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$BYTES" "$tributary_UP" "$tributary_DOWN" "$s3rver_UP" "$s3rver_DOWN" "$DISK" "$REPS" "$LOAD_BEFORE" "$LOAD_AFTER" "$DLL" <<'PY' | tee -a "$ROOT/bench/results/s3-api.jsonl"
import json, os, sys
size, t_up, t_down, s_up, s_down, disk, reps = float(sys.argv[1]), *map(float, sys.argv[2:7]), int(sys.argv[7])
mb = size / 1e6
common = {"bytes": int(size), "reps": reps, "best_of": reps, "client": "aws-cli 2.9.19 (aws s3 cp, 8 MiB parts, 10 threads)",
          "dll": sys.argv[10], "load_before": sys.argv[8], "load_after": sys.argv[9], "cores": os.cpu_count(),
          "note": "reference = s3rver 3.7.1 (node) on the same machine, same file, same run; disk_copy_mb_per_s = cp + sync of the same file"}
disk_rate = round(mb / disk, 1)
for metric, ours, theirs in (("upload_mb_per_s", mb / t_up, mb / s_up), ("download_mb_per_s", mb / t_down, mb / s_down)):
    print(json.dumps({"bench": "s3-api", "metric": metric, "value": round(ours, 1), "unit": "MB/s", "reference": round(theirs, 1),
                      "ratio": round(ours / theirs, 3), "disk_copy_mb_per_s": disk_rate, **common}))
PY
