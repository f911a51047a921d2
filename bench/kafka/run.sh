#!/usr/bin/env bash
# Kafka produce/consume benchmark: Tributary's Kafka listener against the librdkafka mock cluster.
#
#   bench/kafka/run.sh > bench/results/kafka.jsonl 2> bench/results/kafka.stderr.txt
#
# Environment: N (records per produce run, default 2000000), REPEAT (runs per configuration, median
# reported, default 3), PORT (default 19092), DATA_ROOT (parent of the server's data directory, default /tmp;
# put it on the disk being measured), LAT_N (records in the latency run, default 1000000).
# Needs gcc, librdkafka-dev, kcat, jq, /usr/bin/python3 with confluent_kafka (Debian python3-confluent-kafka).
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-2000000}
REPEAT=${REPEAT:-3}
PORT=${PORT:-19092}
DATA_ROOT=${DATA_ROOT:-/tmp}
LAT_N=${LAT_N:-1000000}
SIZE=100
BOOT=127.0.0.1:$PORT
GEN=bench/kafka/tributary-kafka-bench
TCK=$(getconf CLK_TCK)

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Install what the benchmark needs on a fresh Debian 12 machine (root), as test.sh does for the tests.
missing=()
[ -f /usr/include/librdkafka/rdkafka_mock.h ] || missing+=(librdkafka-dev)
command -v kcat >/dev/null || missing+=(kcat)
command -v jq >/dev/null || missing+=(jq)
dpkg -s python3-confluent-kafka >/dev/null 2>&1 || missing+=(python3-confluent-kafka)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

make -s -C bench/kafka >&2
dotnet build -c Release -v q -nologo src/Tributary.Server >&2

DATA=$(mktemp -d "$DATA_ROOT/tributary-kafka-bench.XXXXXX")
SERVER_LOG=$DATA.server.log
# Default flush policy (every-append: an append is acknowledged after the group-commit fsync).
# The AWS APIs are not measured here: disabled, so ports 4566/4567 need not be free.
dotnet src/Tributary.Server/bin/Release/net10.0/tributary.dll serve --data-dir "$DATA" --set kafka.port="$PORT" \
    --set aws.port=-1 --set aws.http2.port=-1 --set admin.port=-1 --set registry.port=-1 > "$SERVER_LOG" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA" "$SERVER_LOG"; }
trap cleanup EXIT
for _ in $(seq 100); do
    if grep -q serving "$SERVER_LOG"; then break; fi
    kill -0 "$PID" || { cat "$SERVER_LOG" >&2; exit 1; }
    sleep 0.1
done
log "server pid $PID: $(head -1 "$SERVER_LOG")"
log "machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N REPEAT=$REPEAT"

# utime + stime of the server in clock ticks.
server_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$PID/stat"; }

/usr/bin/python3 - "$BOOT" <<'EOF' >&2
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
topics = [NewTopic(f"p{p}-acks{a}", p, 1) for p in (1, 6) for a in ("1", "all")] + [NewTopic("latency", 6, 1)]
for name, f in admin.create_topics(topics, operation_timeout=30).items():
    f.result()
    print("created", name)
EOF

RAW=$(mktemp)
trap 'cleanup; rm -f "$RAW"' EXIT

# One generator run; appends its JSON, tagged with the server CPU it cost, to $RAW.
run() { # tag, generator args...
    local tag=$1; shift
    local c0 c1 out
    c0=$(server_ticks)
    out=$("$GEN" "$@")
    c1=$(server_ticks)
    out=$(jq -c --arg tag "$tag" --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN { print (b - a) / t }')" \
        '. + {tag: $tag, server_cpu_s: $cpu}' <<< "$out")
    log "$out"
    echo "$out" >> "$RAW"
}

# Produce: Tributary and the mock cluster back to back, REPEAT rounds (the topics grow by N each round).
for r in $(seq "$REPEAT"); do
    for p in 1 6; do
        for a in 1 all; do
            run "trib-p$p-acks$a" produce -b "$BOOT" -t "p$p-acks$a" -n "$N" -s $SIZE -a $a -p $p
            run "mock-p$p-acks$a" mock -t "p$p-acks$a" -n "$N" -s $SIZE -a $a -p $p
        done
    done
done

# Consume: the acks=1 topics hold REPEAT*N records (+1 warm-up record per partition per round).
for r in $(seq "$REPEAT"); do
    for p in 1 6; do
        total=$((REPEAT * (N + p)))
        run "trib-consume-p$p" consume -b "$BOOT" -t "p$p-acks1" -n "$total" -p $p
        # Reference: kcat (librdkafka) reading the same topic to the end into /dev/null, process start included.
        c0=$(server_ticks); s=$(date +%s%N)
        kcat -C -b "$BOOT" -t "p$p-acks1" -o beginning -e -q > /dev/null
        e=$(date +%s%N); c1=$(server_ticks)
        out=$(jq -nc --arg tag "kcat-consume-p$p" --argjson n "$total" --argjson ns "$((e - s))" \
            --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t="$TCK" 'BEGIN { print (b - a) / t }')" \
            '{mode: "kcat-consume", tag: $tag, records: $n, elapsed_s: ($ns / 1e9), records_per_s: ($n / ($ns / 1e9) | round),
              mb_per_s: ($n * 100 / 1e6 / ($ns / 1e9) * 100 | round / 100), server_cpu_s: $cpu}')
        log "$out"
        echo "$out" >> "$RAW"
    done
done

# Latency: acks=all, 6 partitions, paced at half of the median acks=all 6-partition peak measured above;
# the mock cluster at the same rate is the reference.
PEAK=$(jq -s '[.[] | select(.tag == "trib-p6-acksall") | .records_per_s] | sort | .[length / 2 | floor]' "$RAW")
HALF=$(jq -n --argjson p "$PEAK" '$p / 2 | floor')
log "acks=all 6-partition peak $PEAK records/s; latency runs at $HALF records/s"
for r in $(seq "$REPEAT"); do
    run "trib-latency" produce -b "$BOOT" -t latency -n "$LAT_N" -s $SIZE -a all -p 6 -r "$HALF"
    run "mock-latency" mock -t latency -n "$LAT_N" -s $SIZE -a all -p 6 -r "$HALF"
done
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# Summary lines: medians over the REPEAT runs.
jq -s -c --argjson size $SIZE '
  def med(f): [.[] | f] | sort | .[length / 2 | floor];
  def runs(t): [.[] | select(.tag == t)];
  def line(b; m; v; u; r; rn; note): {bench: b, metric: m, value: v, unit: u, reference: r, reference_name: rn,
      ratio: (if r == null or r == 0 then null else ((v / r) * 1000 | round / 1000) end), note: note};
  . as $all |
  ( [1, 6][] as $p | ["1", "all"][] as $a |
    (runs("trib-p\($p)-acks\($a)")) as $t | (runs("mock-p\($p)-acks\($a)")) as $m |
    line("kafka_produce_p\($p)_acks\($a)"; "records_per_s"; ($t | med(.records_per_s)); "records/s";
         ($m | med(.records_per_s)); "librdkafka mock cluster (1 broker), same producer settings";
         "100-byte records, linger.ms=5, no compression, median of \($t | length); MB/s = 10^6 B/s: \($t | med(.mb_per_s)) vs \($m | med(.mb_per_s)); per run (back to back) \($t | map(.records_per_s)) vs \($m | map(.records_per_s)); unpaced delivery latency p50/p99 \($t | med(.lat_p50_ms))/\($t | med(.lat_p99_ms)) ms (queueing, not a latency figure)"),
    line("kafka_produce_p\($p)_acks\($a)_cpu"; "server_cpu_s_per_gb"; ($t | med(.server_cpu_s / (.records * $size / 1e9)) * 100 | round / 100); "CPU s/GB";
         ($m | med(.mock_thread_cpu_s / (.records * $size / 1e9)) * 100 | round / 100); "mock cluster broker thread (rdk:mock) CPU s/GB";
         "utime+stime of the server process over the produce run (incl. connect and warm-up) per 10^9 bytes of record values; lower is better")
  ),
  ( [1, 6][] as $p |
    (runs("trib-consume-p\($p)")) as $t | (runs("kcat-consume-p\($p)")) as $k |
    line("kafka_consume_p\($p)"; "records_per_s"; ($t | med(.records_per_s)); "records/s";
         ($k | med(.records_per_s)); "kcat -C -e > /dev/null on the same broker and topic (process start included)";
         "assign from beginning, no group, \($t[0].records) records, time from assign to last record; MB/s \($t | med(.mb_per_s)) vs \($k | med(.mb_per_s)); per run \($t | map(.records_per_s)) vs \($k | map(.records_per_s)); first record after \($t | med(.first_record_after_ms)) ms; server CPU \($t | med(.server_cpu_s / (.bytes / 1e9)) * 100 | round / 100) s/GB"),
    line("kafka_consume_p\($p)_steady"; "records_per_s"; ($t | med(.records / (.elapsed_s - .first_record_after_ms / 1000)) | round); "records/s";
         ($k | med(.records_per_s)); "kcat -C -e > /dev/null on the same broker and topic (process start included)";
         "same runs, timed from the first record received (excludes connect, ListOffsets and the first fetch)")
  ),
  ( (runs("trib-latency")) as $t | (runs("mock-latency")) as $m |
    line("kafka_produce_latency_acksall_p6"; "p50_ms"; ($t | med(.lat_p50_ms)); "ms"; ($m | med(.lat_p50_ms));
         "librdkafka mock cluster at the same rate";
         "produce() to delivery report, paced at \($t[0].rate_target) records/s (half the measured acks=all 6-partition peak), \($t[0].records) records, median of \($t | length)"),
    line("kafka_produce_latency_acksall_p6"; "p99_ms"; ($t | med(.lat_p99_ms)); "ms"; ($m | med(.lat_p99_ms));
         "librdkafka mock cluster at the same rate";
         "as above; p99.9 \($t | med(.lat_p999_ms)) ms vs \($m | med(.lat_p999_ms)) ms; achieved \($t | med(.records_per_s)) records/s; p99 per run \($t | map(.lat_p99_ms)) vs \($m | map(.lat_p99_ms))")
  )
' "$RAW"
log "raw runs:"
cat "$RAW" >&2
