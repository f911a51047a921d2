#!/usr/bin/env bash
# Consumer-group benchmark (issue 4): join time for 10 members, committed offsets per second, and consumption
# by a 3-member group beside a single assigned consumer on the same data — Tributary beside the librdkafka mock
# cluster (in-process, memory only) where the mock can run the same load.
#
#   bench/groups/run.sh > bench/results/groups.jsonl 2> bench/results/groups.stderr.txt
#
# Environment: N (records in the consume topic, default 3000000), REPEAT (rounds, median reported, default 3),
# COMMITS (commits per commit run, default 5000), PORT (default 19093), DATA_ROOT (default /tmp).
# Needs gcc, librdkafka-dev, jq, /usr/bin/python3 with confluent_kafka; installs them on Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-3000000}
REPEAT=${REPEAT:-3}
COMMITS=${COMMITS:-5000}
PORT=${PORT:-19093}
DATA_ROOT=${DATA_ROOT:-/tmp}
BOOT=127.0.0.1:$PORT
GEN=bench/groups/tributary-group-bench
KGEN=bench/kafka/tributary-kafka-bench

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

missing=()
[ -f /usr/include/librdkafka/rdkafka_mock.h ] || missing+=(librdkafka-dev)
command -v jq >/dev/null || missing+=(jq)
dpkg -s python3-confluent-kafka >/dev/null 2>&1 || missing+=(python3-confluent-kafka)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
make -s -C bench/groups >&2
make -s -C bench/kafka >&2
dotnet build -c Release -v q -nologo src/Tributary.Server >&2

RAW=$(mktemp)
PID=
DATA=
start_server() { # extra --set options...
    DATA=$(mktemp -d "$DATA_ROOT/tributary-group-bench.XXXXXX")
    # The AWS APIs are not measured here: disabled, so ports 4566/4567 need not be free.
    local args=(serve --data-dir "$DATA" --set kafka.port="$PORT" --set aws.port=-1 --set aws.http2.port=-1 --set admin.port=-1 --set registry.port=-1)
    for s in "$@"; do args+=(--set "$s"); done
    dotnet src/Tributary.Server/bin/Release/net10.0/tributary.dll "${args[@]}" > "$DATA.log" 2>&1 &
    PID=$!
    for _ in $(seq 100); do
        if grep -q serving "$DATA.log"; then break; fi
        kill -0 "$PID" || { cat "$DATA.log" >&2; exit 1; }
        sleep 0.1
    done
    log "server pid $PID ($*): $(head -1 "$DATA.log")"
}
stop_server() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
    [ -n "$DATA" ] && rm -rf "$DATA" "$DATA.log"
    PID=
}
trap 'stop_server; rm -f "$RAW"' EXIT
run() { # tag, command...
    local tag=$1; shift
    local out
    out=$("$@" | jq -c --arg tag "$tag" '. + {tag: $tag}')
    log "$out"
    echo "$out" >> "$RAW"
}
create_topics() {
    /usr/bin/python3 - "$BOOT" <<'PY' >&2
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
for name, f in admin.create_topics([NewTopic("join10", 10, 1), NewTopic("commits", 1, 1), NewTopic("consume6", 6, 1)], operation_timeout=30).items():
    f.result()
PY
}

log "machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N REPEAT=$REPEAT COMMITS=$COMMITS"

# Join time with Kafka's default initial rebalance delay (3 s), then with none.
for delay in 3000 0; do
    start_server "group.initial.rebalance.delay.ms=$delay"
    create_topics
    for r in $(seq "$REPEAT"); do
        run "trib-join-delay$delay" "$GEN" join -b "$BOOT" -t join10 -p 10 -m 10
    done
    if [ "$delay" = 0 ]; then
        for r in $(seq "$REPEAT"); do
            run "trib-commit" "$GEN" commit -b "$BOOT" -t commits -n "$COMMITS"
            run "mock-commit" "$GEN" commit -b mock -t commits -n "$COMMITS"
        done
        "$KGEN" produce -b "$BOOT" -t consume6 -n "$N" -s 100 -a 1 -p 6 > /dev/null
        total=$((N + 6))  # the generator's warm-up adds one record per partition
        for r in $(seq "$REPEAT"); do
            run "trib-group3" "$GEN" consume -b "$BOOT" -t consume6 -p 6 -m 3 -n "$total"
            run "trib-group1" "$GEN" consume -b "$BOOT" -t consume6 -p 6 -m 1 -n "$total"
            run "trib-assign" "$KGEN" consume -b "$BOOT" -t consume6 -p 6 -n "$total"
        done
    fi
    stop_server
done
for r in $(seq "$REPEAT"); do
    run "mock-join" "$GEN" join -b mock -t join10 -p 10 -m 10
done
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

jq -s -c '
  def med(f): [.[] | f] | sort | .[length / 2 | floor];
  def runs(t): [.[] | select(.tag == t)];
  def line(b; m; v; u; r; rn; note): {bench: b, metric: m, value: v, unit: u, reference: r, reference_name: rn,
      ratio: (if r == null or r == 0 then null else ((v / r) * 1000 | round / 1000) end), note: note};
  (runs("mock-join")) as $mj |
  ( [3000, 0][] as $d | (runs("trib-join-delay\($d)")) as $t |
    line("group_join_10_members_delay\($d)"; "all_assigned_ms"; ($t | med(.all_assigned_ms)); "ms"; ($mj | med(.all_assigned_ms));
         "librdkafka mock cluster, same 10 consumers";
         "10 librdkafka consumers subscribe at once to a 10-partition topic; first subscribe to every member holding its partition; group.initial.rebalance.delay.ms=\($d); per run \($t | map(.all_assigned_ms)) vs \($mj | map(.all_assigned_ms)); lower is better") ),
  ( (runs("trib-commit")) as $t | (runs("mock-commit")) as $m |
    line("group_commit_sync"; "commits_per_s"; ($t | med(.sync_commits_per_s)); "commits/s"; ($m | med(.sync_commits_per_s));
         "librdkafka mock cluster (keeps offsets in memory)";
         "one consumer, rd_kafka_commit(async=0) one after another, \($t[0].commits) commits; each answered after the offsets record is fsynced (group commit); per run \($t | map(.sync_commits_per_s)) vs \($m | map(.sync_commits_per_s))"),
    line("group_commit_async"; "commits_per_s"; ($t | med(.async_commits_per_s)); "commits/s"; ($m | med(.async_commits_per_s));
         "librdkafka mock cluster (keeps offsets in memory)";
         "one consumer, \($t[0].commits) rd_kafka_commit(async=1) calls, until the last commit callback; per run \($t | map(.async_commits_per_s)) vs \($m | map(.async_commits_per_s))") ),
  ( (runs("trib-group3")) as $g | (runs("trib-assign")) as $a | (runs("trib-group1")) as $g1 |
    line("group_consume_3_members_p6"; "records_per_s"; ($g | med(.records_per_s_from_first_record)); "records/s";
         ($a | med(.records / (.elapsed_s - .first_record_after_ms / 1000)) | round);
         "one consumer assigning all 6 partitions (no group), same topic and broker, timed from its first record";
         "3 librdkafka group members in one process, \($g[0].records) 100-byte records, timed from the first record to the last; per run \($g | map(.records_per_s_from_first_record)) vs \($a | map(.records / (.elapsed_s - .first_record_after_ms / 1000) | round)); a 1-member group \($g1 | med(.records_per_s_from_first_record)) records/s"),
    line("group_consume_3_members_p6_with_join"; "records_per_s"; ($g | med(.records_per_s)); "records/s"; ($a | med(.records_per_s));
         "one consumer assigning all 6 partitions (no group), connect and first fetch included";
         "same runs timed from the first subscribe: includes joining (join to first record \($g | med(.join_to_first_record_ms)) ms: with no initial delay each late joiner restarts the rebalance and earlier members learn of it at their next heartbeat, 1 s here) vs assign to first record \($a | med(.first_record_after_ms)) ms") )
' "$RAW"
log "raw runs:"
cat "$RAW" >&2
