#!/usr/bin/env bash
# The S3 sink's memory with 1,000 partitions and a 5 MiB part size (issue 14), beside the same records in ONE
# partition in the same run (the reference): peak RSS (VmHWM) of the connect-standalone process. Confluent's
# connector holds one s3.part.size buffer per open file, so 1,000 partitions need ~1,000 x 5 MiB there; Tributary's
# task bounds its buffered records by tributary.max.buffered.bytes (64 MiB by default) and writes the largest buffers
# early, so the partition count should not change its memory (ratio ~1) and RSS stays under the bound documented in
# docs/connect-s3.md ("Memory").
#   Records: N JSON lines of about SIZE bytes, produced by kcat (random partitioner: spread over the 1,000 partitions).
#   Sink: JsonFormat, DefaultPartitioner, flush.size far away, rotate.schedule.interval.ms=30000 (so the last buffers
#   close), s3.part.size=5242880, objects into a local bucket directory (store.url=file://).
# Usage: bench/connect-s3/rss.sh [records] [bytes per record] [path/to/tributary.dll]
# Prints JSON lines; appends them to bench/results/connect-s3.jsonl. Needs kcat and Debian's python3-confluent-kafka.
set -euo pipefail
N=${1:-200000}
SIZE=${2:-500}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${3:-$ROOT/tests/Tributary.Connect.S3.Tests/bin/Debug/net10.0/tributary.dll}
WORK=$(mktemp -d /tmp/tributary-s3-rss.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
peak_rss_mib() { awk '/VmHWM/ {print $2/1024}' "/proc/$1/status"; }
lines_written() { find "$WORK/objects/bucket/topics/$1" -type f -name '*.json' -print0 2>/dev/null | xargs -0 -r cat | wc -l; }

/usr/bin/python3 -c "
with open('$WORK/input.txt','w') as f:
    pad = 'x' * max(0, $SIZE - 60)
    for i in range($N): f.write('{\"id\":%d,\"name\":\"record-%08d\",\"pad\":\"%s\"}\n' % (i, i, pad))
"
BYTES=$(stat -c %s "$WORK/input.txt")
start_serve "$DLL" --set registry.port=0 --set log.flush.policy=os --set group.initial.rebalance.delay.ms=0
/usr/bin/python3 -c "
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({'bootstrap.servers': '$BOOT'})
for f in admin.create_topics([NewTopic('wide', 1000, 1), NewTopic('narrow', 1, 1)]).values(): f.result(60)
"
kcat -b "$BOOT" -P -t wide -l "$WORK/input.txt"
kcat -b "$BOOT" -P -t narrow -l "$WORK/input.txt"

cat > "$WORK/worker.properties" <<PROPS
bootstrap.servers=$BOOT
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.storage.file.filename=$WORK/offsets.json
listeners=http://127.0.0.1:0
PROPS

# run TOPIC: starts a worker with the sink on TOPIC, waits until every record is in an object, writes "peak_mib seconds"
# to $WORK/TOPIC.result.
run() {
  cat > "$WORK/$1.properties" <<PROPS
name=rss-$1
connector.class=io.confluent.connect.s3.S3SinkConnector
tasks.max=1
topics=$1
s3.bucket.name=bucket
store.url=file://$WORK/objects
storage.class=io.confluent.connect.s3.storage.S3Storage
format.class=io.confluent.connect.s3.format.json.JsonFormat
flush.size=100000000
s3.part.size=5242880
rotate.schedule.interval.ms=30000
timezone=UTC
tributary.state.dir=$WORK/state
PROPS
  dotnet "$DLL" connect-standalone "$WORK/worker.properties" "$WORK/$1.properties" > "$WORK/$1.log" 2>&1 & local pid=$!; PIDS+=($pid)
  wait_line "$WORK/$1.log" serving 180
  local t0; t0=$(date +%s.%N)
  local deadline=$(( $(date +%s) + 1800 ))
  while [ "$(lines_written "$1")" -lt "$N" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout: $(lines_written "$1") of $N records written for $1" >&2; tail -50 "$WORK/$1.log" >&2; exit 1; }
    kill -0 "$pid" 2>/dev/null || { echo "worker for $1 exited" >&2; cat "$WORK/$1.log" >&2; exit 1; }
    sleep 1
  done
  local t1; t1=$(date +%s.%N)
  local peak; peak=$(peak_rss_mib "$pid")
  kill "$pid"; wait "$pid" || true
  echo "$peak $(python3 -c "print($t1-$t0)")" > "$WORK/$1.result"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
run wide
run narrow
read -r WIDE_RSS WIDE_S < "$WORK/wide.result"
read -r NARROW_RSS NARROW_S < "$WORK/narrow.result"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
WIDE_OBJECTS=$(find "$WORK/objects/bucket/topics/wide" -type f | wc -l)
NARROW_OBJECTS=$(find "$WORK/objects/bucket/topics/narrow" -type f | wc -l)

/usr/bin/python3 - <<PY | tee -a "$ROOT/bench/results/connect-s3.jsonl"
import json
common = {'records': $N, 'bytes': $BYTES, 's3.part.size': 5242880, 'tributary.max.buffered.bytes': 64 * 1024 * 1024,
          'objects_1000_partitions': $WIDE_OBJECTS, 'objects_1_partition': $NARROW_OBJECTS, 'dll': '$DLL',
          'load_before': '$LOAD_BEFORE', 'load_after': '$LOAD_AFTER', 'cores': $(nproc),
          'note': "reference = the same records in 1 partition, same settings, same run; Confluent's nominal part buffers for 1,000 open files = 1000 x 5 MiB = 5000 MiB (not measured)"}
print(json.dumps({'bench': 'connect-s3-rss', 'metric': 'peak_rss_1000_partitions', 'value': round($WIDE_RSS, 1), 'unit': 'MiB',
                  'reference': round($NARROW_RSS, 1), 'ratio': round($WIDE_RSS / $NARROW_RSS, 3), **common}))
print(json.dumps({'bench': 'connect-s3-rss', 'metric': 'input_mb_per_s_1000_partitions', 'value': round($BYTES / 1e6 / $WIDE_S, 2), 'unit': 'MB/s',
                  'reference': round($BYTES / 1e6 / $NARROW_S, 2), 'ratio': round($NARROW_S / $WIDE_S, 3), **common}))
PY
