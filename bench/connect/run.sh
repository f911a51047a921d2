#!/usr/bin/env bash
# Connect FileStream throughput beside kcat moving the same records in the same run (issue 13's benchmark).
#   source path: file -> topic.  Reference: kcat -P -l FILE.   Tributary: connect-standalone + FileStreamSource.
#   sink path:   topic -> file.  Reference: kcat -C -e > FILE. Tributary: connect-standalone + FileStreamSink.
# The broker runs with group.initial.rebalance.delay.ms=0, as Kafka's shipped config/server.properties does, so the
# sink's first join does not wait 3 s for more members (kcat -C uses no group). Beside wall-clock rates the line holds
# the CPU seconds each side spent (worker process: utime+stime from /proc; kcat: /usr/bin/time), which drift far
# less than wall clock on a loaded machine.
# Usage: bench/connect/run.sh [records] [path/to/tributary.dll]   (prints two JSON lines, source and sink; appends
# them to bench/results/connect.jsonl). The worker's start-up is excluded: the source file is moved into place, and the sink
# clock starts, after the worker printed its serving line.
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${2:-$ROOT/tests/Tributary.Connect.Tests/bin/Debug/net10.0/tributary.dll}
WORK=$(mktemp -d /tmp/tributary-connect-bench.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
now() { date +%s.%N; }
cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{print ($14+$15)/t}' "/proc/$1/stat"; }
end_offset() { kcat -b "$BOOT" -Q -t "$1:0:-1" 2>/dev/null | awk '{print $NF}' | tail -1; }

python3 -c "
import sys
with open('$WORK/input.txt','w') as f:
    for i in range($N): f.write('{\"id\":%d,\"name\":\"record-%08d\",\"payload\":\"%s\"}\n' % (i, i, 'x'*48))
"
BYTES=$(stat -c %s "$WORK/input.txt")
start_serve "$DLL" --set log.flush.policy=os --set group.initial.rebalance.delay.ms=0
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# Reference, source path: kcat produces the file into a topic (one record per line).
t0=$(now); /usr/bin/time -o "$WORK/kcat-src.cpu" -f '%U %S' kcat -b "$BOOT" -P -t kcat-src -l "$WORK/input.txt"; t1=$(now)
KCAT_SRC=$(python3 -c "print($N/($t1-$t0))")
# Reference, sink path: kcat consumes the topic into a file.
t0=$(now); /usr/bin/time -o "$WORK/kcat-sink.cpu" -f '%U %S' kcat -b "$BOOT" -C -t kcat-src -o beginning -e -q > "$WORK/kcat-out.txt"; t1=$(now)
KCAT_SINK=$(python3 -c "print($N/($t1-$t0))")

cat > "$WORK/worker.properties" <<PROPS
bootstrap.servers=$BOOT
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$WORK/offsets.json
listeners=http://127.0.0.1:0
PROPS
cat > "$WORK/source.properties" <<PROPS
name=bench-source
connector.class=FileStreamSource
file=$WORK/source-in.txt
topic=connect-src
batch.size=2000
PROPS
cat > "$WORK/sink.properties" <<PROPS
name=bench-sink
connector.class=FileStreamSink
file=$WORK/connect-out.txt
topics=kcat-src
PROPS

# Tributary, source path.
dotnet "$DLL" connect-standalone "$WORK/worker.properties" "$WORK/source.properties" > "$WORK/source.log" 2>&1 & SRC=$!; PIDS+=($SRC)
wait_line "$WORK/source.log" serving 120
c0=$(cpu_seconds $SRC); t0=$(now); mv "$WORK/input.txt" "$WORK/source-in.txt"
while [ "$(end_offset connect-src || echo 0)" != "$N" ]; do sleep 0.05; done; t1=$(now); c1=$(cpu_seconds $SRC)
TRIB_SRC=$(python3 -c "print($N/($t1-$t0))"); TRIB_SRC_CPU=$(python3 -c "print($c1-$c0)")
kill "$SRC"; wait "$SRC" || true

# Tributary, sink path.
dotnet "$DLL" connect-standalone "$WORK/worker.properties" "$WORK/sink.properties" > "$WORK/sink.log" 2>&1 & SNK=$!; PIDS+=($SNK)
wait_line "$WORK/sink.log" serving 120
c0=$(cpu_seconds $SNK); t0=$(now)
while [ "$(wc -l < "$WORK/connect-out.txt" 2>/dev/null || echo 0)" -lt "$N" ]; do sleep 0.05; done; t1=$(now); c1=$(cpu_seconds $SNK)
TRIB_SINK=$(python3 -c "print($N/($t1-$t0))"); TRIB_SINK_CPU=$(python3 -c "print($c1-$c0)")
cmp -s "$WORK/connect-out.txt" "$WORK/kcat-out.txt" && SAME=true || SAME=false
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Two lines in the benchmark format ({"bench","metric","value","unit","reference","ratio"}), each with the run's
# details (CPU seconds of both sides, byte-equality of the sink output with kcat's, the dll, machine load).
LINES=$(python3 -c "
import json
common={'records':$N,'bytes':$BYTES,'sink_output_equals_kcat_output':'$SAME'=='true','dll':'$DLL','load_before':'$LOAD_BEFORE','load_after':'$LOAD_AFTER','cores':$(nproc)}
src=dict(bench='connect-filestream',metric='source_records_per_s',value=round($TRIB_SRC),unit='records/s',reference=round($KCAT_SRC),reference_tool='kcat -P -l',ratio=round($TRIB_SRC/$KCAT_SRC,3),
 worker_cpu_s=round($TRIB_SRC_CPU,2),reference_cpu_s=round(sum(map(float,open('$WORK/kcat-src.cpu').read().split())),2),**common)
snk=dict(bench='connect-filestream',metric='sink_records_per_s',value=round($TRIB_SINK),unit='records/s',reference=round($KCAT_SINK),reference_tool='kcat -C -e',ratio=round($TRIB_SINK/$KCAT_SINK,3),
 worker_cpu_s=round($TRIB_SINK_CPU,2),reference_cpu_s=round(sum(map(float,open('$WORK/kcat-sink.cpu').read().split())),2),**common)
print(json.dumps(src)); print(json.dumps(snk))")
echo "$LINES"
echo "$LINES" >> "$ROOT/bench/results/connect.jsonl"
