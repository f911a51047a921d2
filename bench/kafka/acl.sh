#!/usr/bin/env bash
# Plaintext produce with ACLs enforced beside the same produce with the authorizer off (issue 18): the cost of the
# per-request authorization check on the hot path.
#
#   bench/kafka/acl.sh > bench/results/kafka-acl.jsonl 2> bench/results/kafka-acl.stderr.txt
#
# Two servers started from the same build: one with the defaults (no authorizer, the reference), one with
# kafka.authorizer.enable=true and an acls.json holding 200 bindings (199 for other principals and topics, and
# ALLOW User:ANONYMOUS WRITE/DESCRIBE on the prefix "bench"), so each Produce runs the real check (a cached answer per
# connection and topic). Produce (acks=1, 1 partition, 100-byte records) with the librdkafka generator of run.sh,
# alternating the two servers REPEAT times; medians reported.
# Environment: N (records per run, default 1000000), REPEAT (default 3). Needs gcc, librdkafka-dev, jq.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-1000000}
REPEAT=${REPEAT:-3}
GEN=bench/kafka/tributary-kafka-bench
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

make -s -C bench/kafka >&2
dotnet build -c Release -v q -nologo src/Tributary.Server >&2
TRIB=src/Tributary.Server/bin/Release/net10.0/tributary.dll

WORK=$(mktemp -d /tmp/tributary-acl-bench.XXXXXX)
mkdir -p "$WORK/acl/__cluster"
jq -n '{version: 1, acls: ([range(199) | {resource_type: "TOPIC", resource_name: "other-\(.)", pattern_type: "LITERAL",
    principal: "User:u\(.)", host: "*", operation: "WRITE", permission: "ALLOW"}]
  + [{resource_type: "TOPIC", resource_name: "bench", pattern_type: "PREFIXED", principal: "User:ANONYMOUS", host: "*",
      operation: "ALL", permission: "ALLOW"}])}' > "$WORK/acl/__cluster/acls.json"
start() { # NAME EXTRA-SETTINGS...
    local name=$1; shift
    dotnet "$TRIB" serve --data-dir "$WORK/$name" --set kafka.listeners=PLAINTEXT://127.0.0.1:0 \
        --set aws.port=-1 --set aws.http2.port=-1 --set admin.port=-1 --set registry.port=-1 --set connect.rest.port=-1 \
        "$@" > "$WORK/$name.log" 2>&1 &
    echo $!
}
OPEN_PID=$(start open)
ACL_PID=$(start acl --set kafka.authorizer.enable=true)
cleanup() { kill "$OPEN_PID" "$ACL_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for name in open acl; do
    for _ in $(seq 3000); do
        if grep -q serving "$WORK/$name.log"; then break; fi
        sleep 0.1
    done
    grep -q serving "$WORK/$name.log" || { echo "$name server did not start in 300 s:" >&2; cat "$WORK/$name.log" >&2; exit 1; }
done
port() { grep -o "Kafka on 127.0.0.1:[0-9]*" "$WORK/$1.log" | head -1 | sed "s/.*://"; }
OPEN=127.0.0.1:$(port open)
ACL=127.0.0.1:$(port acl)
log "open $OPEN (pid $OPEN_PID), acl $ACL (pid $ACL_PID)"
log "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N REPEAT=$REPEAT; uptime: $(uptime)"

RAW=$(mktemp)
for r in $(seq "$REPEAT"); do
    out=$("$GEN" produce -b "$OPEN" -t bench-open -n "$N" -s 100 -a 1 -p 1); log "$out"; jq -c '. + {tag: "open"}' <<< "$out" >> "$RAW"
    out=$("$GEN" produce -b "$ACL" -t bench-acl -n "$N" -s 100 -a 1 -p 1); log "$out"; jq -c '. + {tag: "acl"}' <<< "$out" >> "$RAW"
done
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

jq -s -c '
  def med(f): [.[] | f] | sort | .[length / 2 | floor];
  [.[] | select(.tag == "acl")] as $a | [.[] | select(.tag == "open")] as $o |
  {bench: "kafka_produce_acl", metric: "records_per_s", value: ($a | med(.records_per_s)), unit: "records/s",
   reference: ($o | med(.records_per_s)), reference_name: "the same produce to a server with the authorizer off, alternating runs",
   ratio: ((($a | med(.records_per_s)) / ($o | med(.records_per_s))) * 1000 | round / 1000),
   note: "PLAINTEXT, 100-byte records, 1 partition, acks=1, 200 ACL bindings, principal User:ANONYMOUS allowed by a PREFIXED ACL; median of \($a | length); per run \($a | map(.records_per_s)) vs \($o | map(.records_per_s))"}
' "$RAW"
rm -f "$RAW"
