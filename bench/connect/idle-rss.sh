#!/usr/bin/env bash
# Worker memory with many idle connectors (issue 13's "worker RSS with 100 idle connectors").
# One connect-standalone worker against a `tributary serve` broker; through its REST API it gets N FileStreamSink
# connectors, each on its own topic that nobody writes to (each one a consumer-group member that joins, heartbeats
# and long-polls an empty partition: idle, but alive). The reference, in the same run and the same process, is the
# worker's own RSS before the first connector (the JVM worker this replaces cannot run here: no Maven).
# Reported: VmRSS after the worker printed its serving line, after 1 connector, and after N connectors are RUNNING
# and have idled SETTLE seconds; VmHWM (peak) at the end; the per-connector increment (RSS_N - RSS_0) / N.
# Usage: bench/connect/idle-rss.sh [connectors] [path/to/tributary.dll]   (prints one JSON line; appends it to
# bench/results/connect-idle-rss.jsonl)
set -euo pipefail
N=${1:-100}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${2:-$ROOT/tests/Tributary.Connect.Tests/bin/Debug/net10.0/tributary.dll}
SETTLE=${SETTLE:-20}
WORK=$(mktemp -d /tmp/tributary-connect-rss.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
mib() { python3 -c "print(round($1/1024, 1))"; }

start_serve "$DLL" --set group.initial.rebalance.delay.ms=0

cat > "$WORK/worker.properties" <<PROPS
bootstrap.servers=$BOOT
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$WORK/offsets.json
listeners=http://127.0.0.1:0
PROPS
dotnet "$DLL" connect-standalone "$WORK/worker.properties" > "$WORK/worker.log" 2>&1 & WORKER=$!; PIDS+=($WORKER)
wait_line "$WORK/worker.log" serving 120
REST=http://$(grep -o 'Connect REST on [^;]*' "$WORK/worker.log" | awk '{print $4}')
sleep 5
RSS0=$(kib $WORKER VmRSS)

create() { # index
  curl -sf -X PUT -H 'Content-Type: application/json' "$REST/connectors/idle-$1/config" \
    -d "{\"connector.class\":\"FileStreamSink\",\"topics\":\"idle-$1\",\"file\":\"$WORK/out-$1.txt\"}" > /dev/null; }
running() { # count of RUNNING tasks across every connector
  curl -sf "$REST/connectors?expand=status" | python3 -c "
import json,sys
d=json.load(sys.stdin)
print(sum(1 for c in d.values() for t in c['status']['tasks'] if t['state']=='RUNNING'))"; }

create 0
for _ in $(seq 1 600); do [ "$(running)" = 1 ] && break; sleep 0.1; done
sleep 5
RSS1=$(kib $WORKER VmRSS)
for i in $(seq 1 $((N - 1))); do create "$i"; done
for _ in $(seq 1 1200); do [ "$(running)" = "$N" ] && break; sleep 0.25; done
R=$(running)
[ "$R" = "$N" ] || { echo "only $R of $N tasks RUNNING" >&2; tail -20 "$WORK/worker.log" >&2; exit 1; }
sleep "$SETTLE"
RSSN=$(kib $WORKER VmRSS)
HWM=$(kib $WORKER VmHWM)
THREADS=$(awk '$1 == "Threads:" {print $2}' "/proc/$WORKER/status")
PER=$(python3 -c "print(round(($RSSN-$RSS0)/1024/$N, 2))")
LINE=$(python3 -c "
import json
print(json.dumps({'bench':'connect-idle-rss','connectors':$N,'rss_mib_0':$(mib $RSS0),'rss_mib_1':$(mib $RSS1),'rss_mib_n':$(mib $RSSN),
  'peak_rss_mib':$(mib $HWM),'per_connector_mib':$PER,'threads':$THREADS,'settle_s':$SETTLE,'dll':'$DLL',
  'load':'$(cut -d' ' -f1-3 /proc/loadavg)','cores':$(nproc)}))")
echo "$LINE"
echo "$LINE" >> "$ROOT/bench/results/connect-idle-rss.jsonl"
