#!/usr/bin/env bash
# Kafka over TLS beside plaintext, and SCRAM authentications per second (issue 18).
#
#   bench/kafka/security.sh > bench/results/kafka-security.jsonl 2> bench/results/kafka-security.stderr.txt
#
# One server with a PLAINTEXT, an SSL and a SASL_PLAINTEXT listener (certificate from `tributary tls-certificates`).
# Produce (acks=1, 1 partition, 100-byte records) and consume (assign from the beginning) with the librdkafka
# generator of run.sh, alternating PLAINTEXT and SSL runs REPEAT times; medians reported, the PLAINTEXT run of the
# same round being the reference. SCRAM-SHA-512 authentications per second with scram_auth_rate.py, beside bare
# connections per second on the PLAINTEXT listener.
# Environment: N (records per produce run, default 1000000), REPEAT (default 3), SECONDS (auth runs, default 10).
# Needs gcc, librdkafka-dev, jq, /usr/bin/python3 with confluent_kafka.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-1000000}
REPEAT=${REPEAT:-3}
SECONDS_AUTH=${SECONDS:-10}
GEN=bench/kafka/tributary-kafka-bench
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

make -s -C bench/kafka >&2
dotnet build -c Release -v q -nologo src/Tributary.Server >&2
TRIB=src/Tributary.Server/bin/Release/net10.0/tributary.dll

DATA=$(mktemp -d /tmp/tributary-security-bench.XXXXXX)
dotnet "$TRIB" tls-certificates --out "$DATA/tls" >&2
dotnet "$TRIB" serve --data-dir "$DATA/data" \
    --set kafka.listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0 \
    --set kafka.advertised.listeners=SSL://localhost:0 \
    --set kafka.ssl.certificate.location="$DATA/tls/server.pem" --set kafka.ssl.key.location="$DATA/tls/server-key.pem" \
    --set aws.port=-1 --set aws.http2.port=-1 --set admin.port=-1 --set registry.port=-1 --set connect.rest.port=-1 > "$DATA/server.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 300); do
    if grep -q serving "$DATA/server.log"; then break; fi
    kill -0 "$PID" || { cat "$DATA/server.log" >&2; exit 1; }
    sleep 0.1
done
port() { grep -o "127.0.0.1:[0-9]* ($1)" "$DATA/server.log" | head -1 | sed 's/.*:\([0-9]*\) .*/\1/'; }
PLAIN=127.0.0.1:$(port PLAINTEXT)
SSL=localhost:$(port SSL)
SASL=127.0.0.1:$(port SASL_PLAINTEXT)
log "server pid $PID; PLAINTEXT $PLAIN, SSL $SSL, SASL_PLAINTEXT $SASL"
log "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N REPEAT=$REPEAT; uptime: $(uptime)"
dotnet "$TRIB" scram-credentials --bootstrap-server "$PLAIN" --add bench --password bench-password --mechanism SCRAM-SHA-512 >&2

/usr/bin/python3 - "$PLAIN" <<'PY' >&2
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
for name, f in admin.create_topics([NewTopic("plain", 1, 1), NewTopic("tls", 1, 1)], operation_timeout=30).items():
    f.result()
PY

TLS=(-X security.protocol=SSL -X "ssl.ca.location=$DATA/tls/ca.pem")
RAW=$(mktemp)
for r in $(seq "$REPEAT"); do
    out=$("$GEN" produce -b "$PLAIN" -t plain -n "$N" -s 100 -a 1 -p 1); log "$out"; jq -c '. + {tag: "plain-produce"}' <<< "$out" >> "$RAW"
    out=$("$GEN" produce -b "$SSL" -t tls -n "$N" -s 100 -a 1 -p 1 "${TLS[@]}"); log "$out"; jq -c '. + {tag: "tls-produce"}' <<< "$out" >> "$RAW"
done
for r in $(seq "$REPEAT"); do
    total=$((REPEAT * (N + 1)))
    out=$("$GEN" consume -b "$PLAIN" -t plain -n "$total" -p 1); log "$out"; jq -c '. + {tag: "plain-consume"}' <<< "$out" >> "$RAW"
    out=$("$GEN" consume -b "$SSL" -t tls -n "$total" -p 1 "${TLS[@]}"); log "$out"; jq -c '. + {tag: "tls-consume"}' <<< "$out" >> "$RAW"
done
auth=$(/usr/bin/python3 bench/kafka/scram_auth_rate.py "$SASL" "$PLAIN" bench bench-password SCRAM-SHA-512 "$SECONDS_AUTH")
log "$auth"
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

jq -s -c --argjson auth "$auth" '
  def med(f): [.[] | f] | sort | .[length / 2 | floor];
  def runs(t): [.[] | select(.tag == t)];
  def line(b; m; v; u; r; rn; note): {bench: b, metric: m, value: v, unit: u, reference: r, reference_name: rn,
      ratio: (if r == null or r == 0 then null else ((v / r) * 1000 | round / 1000) end), note: note};
  . as $all |
  (["produce", "consume"][] as $mode | (runs("tls-\($mode)")) as $t | (runs("plain-\($mode)")) as $p |
    line("kafka_\($mode)_tls"; "records_per_s"; ($t | med(.records_per_s)); "records/s"; ($p | med(.records_per_s));
         "the same client and broker over the PLAINTEXT listener, alternating runs";
         "100-byte records, 1 partition\(if $mode == "produce" then ", acks=1, linger.ms=5" else ", assign from beginning" end), TLS as negotiated by librdkafka 2.0.2, median of \($t | length); per run \($t | map(.records_per_s)) vs \($p | map(.records_per_s))")),
  line("kafka_sasl_scram_sha512_auth"; "auth_per_s"; $auth.auth_per_s; "authentications/s"; $auth.bare_connections_per_s;
       "connect + ApiVersions + close on the PLAINTEXT listener, same client";
       "one sequential Python client, new connection each: ApiVersions, SaslHandshake v1, two SaslAuthenticate round trips, server signature checked; salted password cached by the client; \($auth.auths) authentications")
' "$RAW"
rm -f "$RAW"
