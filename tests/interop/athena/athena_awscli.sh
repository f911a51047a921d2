#!/usr/bin/env bash
# The AWS CLI (Debian's awscli, v2) alone against a running Tributary, as a user without an SDK goes: a JSON-lines
# object uploaded with `aws s3 cp` to the embedded S3 endpoint, a Glue table over it (`aws glue create-table`), an
# Athena query (`aws athena start-query-execution`, polled with get-query-execution), its rows with
# get-query-results, the result CSV fetched with `aws s3 cp`, then a malformed query: FAILED with Athena's error,
# and get-query-results on it refused. Usage: athena_awscli.sh ENDPOINT_URL NAME (a fresh bucket and database name).
# Prints one line per check; exits 1 at the first failure.
set -euo pipefail
endpoint=$1
name=$2
db=${name//-/_}
aws_cli=${AWS_CLI:-/usr/bin/aws}
aws() { "$aws_cli" --endpoint-url "$endpoint" --no-cli-pager "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=0
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAILED: $1: expected [$2], got [$3]"; exit 1; fi
  checks=$((checks + 1)); echo "ok: $1"
}
wait_query() { # wait_query ID → final state
  local state
  for _ in $(seq 1 120); do
    state=$(aws athena get-query-execution --query-execution-id "$1" --query QueryExecution.Status.State --output text)
    case "$state" in SUCCEEDED|FAILED|CANCELLED) echo "$state"; return;; esac
    sleep 0.5
  done
  echo "TIMEOUT"
}

printf '{"id":1,"kind":"a","amount":1.5}\n{"id":2,"kind":"b","amount":2}\n{"id":3,"kind":"a","amount":4}\n' > "$work/part-0.json"
aws s3api create-bucket --bucket "$name" > /dev/null
aws s3 cp "$work/part-0.json" "s3://$name/events/part-0.json" > /dev/null
check "s3 ls: the object" "part-0.json" "$(aws s3 ls "s3://$name/events/" | awk '{print $4}')"
aws glue create-database --database-input "{\"Name\":\"$db\"}"
aws glue create-table --database-name "$db" --table-input "{\"Name\":\"events\",\"Parameters\":{\"classification\":\"json\"},
  \"StorageDescriptor\":{\"Columns\":[{\"Name\":\"id\",\"Type\":\"bigint\"},{\"Name\":\"kind\",\"Type\":\"string\"},{\"Name\":\"amount\",\"Type\":\"double\"}],
  \"Location\":\"s3://$name/events/\",\"SerdeInfo\":{\"SerializationLibrary\":\"org.openx.data.jsonserde.JsonSerDe\"}}}"

id=$(aws athena start-query-execution --query-string "SELECT kind, count(*) AS n, sum(amount) AS total FROM events GROUP BY kind ORDER BY kind" \
  --query-execution-context "Database=$db" --result-configuration "OutputLocation=s3://$name/results/" --query QueryExecutionId --output text)
check "start-query-execution → SUCCEEDED" SUCCEEDED "$(wait_query "$id")"
check "get-query-results: header and rows" "kind n total | a 2 5.5 | b 1 2.0" \
  "$(aws athena get-query-results --query-execution-id "$id" --query 'ResultSet.Rows[].Data[].VarCharValue' --output json | /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin); print(" | ".join(" ".join(v[i:i+3]) for i in range(0, len(v), 3)))')"
check "get-query-results: column types" "varchar bigint double" "$(aws athena get-query-results --query-execution-id "$id" --query 'ResultSet.ResultSetMetadata.ColumnInfo[].Type' --output text | tr '\t' ' ')"
location=$(aws athena get-query-execution --query-execution-id "$id" --query QueryExecution.ResultConfiguration.OutputLocation --output text)
check "output location: <id>.csv" "s3://$name/results/$id.csv" "$location"
aws s3 cp "$location" "$work/result.csv" > /dev/null
check "the result CSV fetched with s3 cp" '"kind","n","total"|"a","2","5.5"|"b","1","2.0"' "$(paste -sd '|' "$work/result.csv")"

bad=$(aws athena start-query-execution --query-string "SELEC kind FROM events" --query-execution-context "Database=$db" \
  --result-configuration "OutputLocation=s3://$name/results/" --query QueryExecutionId --output text)
check "malformed SQL → FAILED" FAILED "$(wait_query "$bad")"
check "FAILED: Athena's error category (user)" 2 "$(aws athena get-query-execution --query-execution-id "$bad" --query QueryExecution.Status.AthenaError.ErrorCategory --output text)"
if output=$(aws athena get-query-results --query-execution-id "$bad" 2>&1); then echo "FAILED: get-query-results of a failed query succeeded"; exit 1; fi
case "$output" in *InvalidRequestException*"Query did not finish successfully"*) checks=$((checks + 1)); echo "ok: get-query-results of a failed query: InvalidRequestException";;
  *) echo "FAILED: get-query-results of a failed query: $output"; exit 1;; esac
echo "all $checks checks passed"
