#!/usr/bin/env bash
# Kinesis throughput, one load client (Tributary.Bench kinesis) against three servers in the same run:
# kinesalite 3.3.3 (the reference), kinesis-local 0.6.2 (kinesis-mock) and Tributary (Release build, default
# configuration: every PutRecords answer waits for its fsync; the two emulators keep data in memory).
# Prints the JSON lines of bench/README.md on stdout, progress on stderr. Usage: bench/kinesis/run.sh [SECONDS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
concurrency=${2:-8}
node_dir=bench/kinesis/node
if [ ! -f "$node_dir/node_modules/.package-lock.json" ] || [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
dotnet build -c Release src/Tributary.Server -v quiet -clp:ErrorsOnly >&2
dotnet build -c Release bench/Tributary.Bench -v quiet -clp:ErrorsOnly >&2

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; return 1; }
data=$(mktemp -d /tmp/tributary-kinesis-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

tributary_port=$(free_port)
dotnet src/Tributary.Server/bin/Release/net10.0/tributary.dll serve --data-dir "$data/tributary" --set kafka.port=0 \
  --set aws.port="$tributary_port" --set aws.http2.port=-1 --set admin.port=-1 --set registry.port=-1 >"$data/tributary.log" 2>&1 &
pids+=($!)
kinesalite_port=$(free_port)
node "$node_dir/node_modules/kinesalite/cli.js" --port "$kinesalite_port" --createStreamMs 0 --deleteStreamMs 0 --shardLimit 1000 >"$data/kinesalite.log" 2>&1 &
pids+=($!)
mock_port=$(free_port)
mock_tls_port=$(free_port)
# kinesis-local reads its server.json (TLS material) from the working directory.
(cd "$node_dir/node_modules/kinesis-local" && KINESIS_MOCK_PLAIN_PORT=$mock_port KINESIS_MOCK_TLS_PORT=$mock_tls_port \
  CREATE_STREAM_DURATION=0ms DELETE_STREAM_DURATION=0ms LOG_LEVEL=WARN exec node main.js) >"$data/kinesis-local.log" 2>&1 &
pids+=($!)
wait_port "$tributary_port"; wait_port "$kinesalite_port"; wait_port "$mock_port"
echo "kinesalite $(node -p 'require("./'$node_dir'/node_modules/kinesalite/package.json").version'), kinesis-local $(node -p 'require("./'$node_dir'/node_modules/kinesis-local/package.json").version'), node $(node --version), $(nproc) cores" >&2
dotnet bench/Tributary.Bench/bin/Release/net10.0/Tributary.Bench.dll kinesis \
  --target "kinesalite=http://127.0.0.1:$kinesalite_port" \
  --target "kinesis-local=http://127.0.0.1:$mock_port" \
  --target "tributary=http://127.0.0.1:$tributary_port" \
  --seconds "$seconds" --concurrency "$concurrency"
