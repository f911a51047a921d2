# Shared by the shell benchmarks that run the real `tributary` (bench/connect/, bench/connect-s3/). Source it after
# `set -euo pipefail`; the caller's own WORK (a temporary directory) must be set first.
#   PIDS+=(pid)          background processes killed, and WORK removed, when the script exits
#   wait_line F P T      waits up to T seconds for pattern P in file F (prints F and exits 1 on timeout)
#   start_serve DLL [--set k=v ...]
#                        `tributary serve` on free ports (Connect REST and the registry off unless --set), logging to $WORK/serve.log;
#                        sets BOOT to its Kafka bootstrap address
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_line() { # file pattern timeout
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timeout waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1; }
start_serve() { # dll [--set k=v ...]
  local dll=$1
  shift
  dotnet "$dll" serve --data-dir "$WORK/data" --set kafka.port=0 --set aws.port=0 --set aws.http2.port=0 --set admin.port=0 \
    --set connect.rest.port=-1 --set registry.port=-1 "$@" > "$WORK/serve.log" 2>&1 & PIDS+=($!)
  wait_line "$WORK/serve.log" serving 180
  BOOT=127.0.0.1:$(grep -o 'Kafka on [^;]*' "$WORK/serve.log" | grep -o '[0-9]*$')
}
