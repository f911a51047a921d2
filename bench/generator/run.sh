#!/usr/bin/env bash
# `tributary generate` to a topic beside kcat producing pre-rendered records of the same size, in the same run
# (issue 21's benchmark). The records: the Kinesis Data Generator's sensor template (bench/generator/sensor.json),
# rendered by the generator itself for kcat's file (`generate --test N --seed 1`), so both sides send the same bytes
# per record. Tributary renders every record while it sends; kcat only reads lines from a file.
#   reference: kcat -P -b BOOT -t kcat-gen -l FILE          (librdkafka defaults: acks=all, linger 5 ms)
#   value:     tributary generate --rate max --count N --to kafka:generated   (acks=all, one batch per tick)
# Both rates are records over the wall clock of the whole client process (start-up included); the generator's own
# summary rate (its run loop only, after connecting) is in the line's note. The server runs with its defaults.
# Usage: bench/generator/run.sh [records] [path/to/tributary.dll]   (prints one JSON line; appends it to
# bench/results/generator.jsonl).
set -euo pipefail
N=${1:-500000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${2:-$ROOT/src/Tributary.Server/bin/Release/net10.0/tributary.dll}   # dotnet build src/Tributary.Server -c Release
WORK=$(mktemp -d /tmp/tributary-generator-bench.XXXXXX)
. "$ROOT/bench/lib/processes.sh"
now() { date +%s.%N; }
TEMPLATE=$ROOT/bench/generator/sensor.json

dotnet "$DLL" generate --template "$TEMPLATE" --test "$N" --seed 1 > "$WORK/records.txt"
BYTES=$(stat -c %s "$WORK/records.txt")
start_serve "$DLL"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# Reference: kcat produces the pre-rendered lines (one record per line).
t0=$(now); kcat -b "$BOOT" -P -t kcat-gen -l "$WORK/records.txt"; t1=$(now)
KCAT=$(python3 -c "print($N/($t1-$t0))")

# Tributary: the generator renders and sends as fast as the broker takes them.
t0=$(now); dotnet "$DLL" generate --template "$TEMPLATE" --rate max --count "$N" --seed 1 --to kafka:generated --bootstrap-servers "$BOOT" \
  > "$WORK/generate.out" 2> "$WORK/generate.err"; t1=$(now)
GEN=$(python3 -c "print($N/($t1-$t0))")
SUMMARY=$(cat "$WORK/generate.out")
grep -q "^Sent $N records" "$WORK/generate.out" || { echo "generate did not send $N records: $SUMMARY" >&2; cat "$WORK/generate.err" >&2; exit 1; }
# Both topics hold N records.
for t in kcat-gen generated; do
  got=$(kcat -b "$BOOT" -C -t "$t" -o beginning -e -q | wc -l)
  [ "$got" -eq "$N" ] || { echo "$t holds $got records, not $N" >&2; exit 1; }
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
python3 -c "
import json
print(json.dumps({'bench':'generator_to_topic','metric':'records_per_second','value':round($GEN),'unit':'records/s',
  'reference':round($KCAT),'reference_name':'kcat -P -l (pre-rendered records of the same template)','ratio':round($GEN/$KCAT,3),
  'note':'N=$N, $BYTES bytes of records ($(( BYTES / N )) B each with newline); generator summary: $SUMMARY; loadavg before $LOAD_BEFORE, after $LOAD_AFTER'}))
" | tee -a "$ROOT/bench/results/generator.jsonl"
