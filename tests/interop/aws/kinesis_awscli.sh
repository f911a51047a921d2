#!/usr/bin/env bash
# The AWS CLI (Debian's awscli, v2) against a running Tributary: create/describe/list, put-record and
# put-records, get-shard-iterator with each iterator type + get-records, split-shard, merge-shards and
# update-shard-count, and reading a key's records across the lineage (parent drained, then its children).
# Usage: kinesis_awscli.sh ENDPOINT_URL. Prints one line per check; exits 1 at the first failure.
set -euo pipefail
endpoint=$1
aws_cli=${AWS_CLI:-/usr/bin/aws}
kinesis() { "$aws_cli" --endpoint-url "$endpoint" --no-cli-pager kinesis "$@"; }
checks=0
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAILED: $1: expected [$2], got [$3]"; exit 1; fi
  checks=$((checks + 1)); echo "ok: $1"
}
b64() { printf '%s' "$1" | base64 -w0; }
# Reads a shard from an iterator until it is drained (or caught up), printing "data" lines decoded.
read_shard() { # read_shard SHARD_ID TYPE [extra get-shard-iterator args]
  local shard=$1 type=$2; shift 2
  local iterator
  iterator=$(kinesis get-shard-iterator --stream-name "$stream" --shard-id "$shard" --shard-iterator-type "$type" "$@" --query ShardIterator --output text)
  while [ -n "$iterator" ] && [ "$iterator" != "None" ]; do
    local page
    page=$(kinesis get-records --shard-iterator "$iterator" --limit 3 --output json)
    /usr/bin/python3 -c 'import base64,json,sys; [print(base64.b64decode(r["Data"]).decode()) for r in json.load(sys.stdin)["Records"]]' <<<"$page"
    if [ "$(/usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin); print(len(p["Records"]) == 0 and p["MillisBehindLatest"] == 0 and "NextShardIterator" in p)' <<<"$page")" = True ]; then
      break
    fi
    iterator=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("NextShardIterator") or "")' <<<"$page")
  done
}

stream=cli-$RANDOM$RANDOM
kinesis create-stream --stream-name "$stream" --shard-count 1
kinesis wait stream-exists --stream-name "$stream"
check "describe-stream: status" ACTIVE "$(kinesis describe-stream --stream-name "$stream" --query StreamDescription.StreamStatus --output text)"
check "describe-stream-summary: open shards" 1 "$(kinesis describe-stream-summary --stream-name "$stream" --query StreamDescriptionSummary.OpenShardCount --output text)"
check "list-streams: contains the stream" "$stream" "$(kinesis list-streams --query "StreamNames[?@=='$stream'] | [0]" --output text)"
check "list-shards: one shard" shardId-000000000000 "$(kinesis list-shards --stream-name "$stream" --query 'Shards[0].ShardId' --output text)"

first_sequence=$(kinesis put-record --stream-name "$stream" --partition-key k --data "$(b64 k:0)" --query SequenceNumber --output text)
check "put-record: 56-digit sequence number" 56 "${#first_sequence}"
check "put-records: no failures" 0 "$(kinesis put-records --stream-name "$stream" --records "Data=$(b64 k:1),PartitionKey=k" "Data=$(b64 k:2),PartitionKey=k" --query FailedRecordCount --output text)"

check "TRIM_HORIZON reads everything" "k:0 k:1 k:2" "$(read_shard shardId-000000000000 TRIM_HORIZON | xargs)"
check "AT_SEQUENCE_NUMBER starts at the record" "k:0 k:1 k:2" "$(read_shard shardId-000000000000 AT_SEQUENCE_NUMBER --starting-sequence-number "$first_sequence" | xargs)"
check "AFTER_SEQUENCE_NUMBER starts after it" "k:1 k:2" "$(read_shard shardId-000000000000 AFTER_SEQUENCE_NUMBER --starting-sequence-number "$first_sequence" | xargs)"
check "AT_TIMESTAMP before the stream reads everything" "k:0 k:1 k:2" "$(read_shard shardId-000000000000 AT_TIMESTAMP --timestamp 2000-01-01T00:00:00Z | xargs)"
latest=$(kinesis get-shard-iterator --stream-name "$stream" --shard-id shardId-000000000000 --shard-iterator-type LATEST --query ShardIterator --output text)
check "LATEST reads nothing yet" 0 "$(kinesis get-records --shard-iterator "$latest" --query 'length(Records)' --output text)"

# Resharding: split the one shard in the middle, write, merge the two children back, write.
kinesis split-shard --stream-name "$stream" --shard-to-split shardId-000000000000 --new-starting-hash-key 170141183460469231731687303715884105728
kinesis put-record --stream-name "$stream" --partition-key k --data "$(b64 k:3)" >/dev/null
check "split: two open shards" 2 "$(kinesis list-shards --stream-name "$stream" --shard-filter Type=AT_LATEST --query 'length(Shards)' --output text)"
kinesis merge-shards --stream-name "$stream" --shard-to-merge shardId-000000000001 --adjacent-shard-to-merge shardId-000000000002
kinesis put-record --stream-name "$stream" --partition-key k --data "$(b64 k:4)" >/dev/null
check "merge: child lists both parents" "shardId-000000000001 shardId-000000000002" "$(kinesis list-shards --stream-name "$stream" --query "Shards[?ShardId=='shardId-000000000003'].[ParentShardId,AdjacentParentShardId]" --output text | xargs)"
check "update-shard-count 1 -> 2" 2 "$(kinesis update-shard-count --stream-name "$stream" --target-shard-count 2 --scaling-type UNIFORM_SCALING --query TargetShardCount --output text)"
kinesis put-record --stream-name "$stream" --partition-key k --data "$(b64 k:5)" >/dev/null

# The key's records across the lineage: every shard that ever owned the key's hash, each drained before the
# next; such shards form one chain of parents and children, and a child's index is above its parent's.
lineage=$(kinesis list-shards --stream-name "$stream" --output json | /usr/bin/python3 -c '
import hashlib, json, sys
h = int(hashlib.md5(b"k").hexdigest(), 16)
owners = [s for s in json.load(sys.stdin)["Shards"] if int(s["HashKeyRange"]["StartingHashKey"]) <= h <= int(s["HashKeyRange"]["EndingHashKey"])]
print(" ".join(s["ShardId"] for s in sorted(owners, key=lambda s: s["ShardId"])))')
check "the key passed through 4 shards" 4 "$(wc -w <<<"$lineage")"
all=""
for shard in $lineage; do all="$all $(read_shard "$shard" TRIM_HORIZON | { grep '^k:' || true; } | xargs)"; done
check "key k in order across split, merge and scaling" "k:0 k:1 k:2 k:3 k:4 k:5" "$(echo $all | xargs)"

error=$(kinesis describe-stream --stream-name "no-such-$stream" 2>&1 || true)
case "$error" in *ResourceNotFoundException*) check "unknown stream: ResourceNotFoundException" yes yes ;; *) check "unknown stream: ResourceNotFoundException" ResourceNotFoundException "$error" ;; esac
kinesis delete-stream --stream-name "$stream"
check "delete-stream" "" "$(kinesis list-streams --query "StreamNames[?@=='$stream'] | [0]" --output text | grep -v None || true)"
echo "OK $checks checks"
