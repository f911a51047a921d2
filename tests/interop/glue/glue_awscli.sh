#!/usr/bin/env bash
# The AWS CLI (Debian's awscli, v2) against a running Tributary's Glue Data Catalog: databases, a partitioned table,
# partitions with expressions, table versions, search, and Glue's errors.
# Usage: glue_awscli.sh ENDPOINT_URL DATABASE. Prints one line per check; exits 1 at the first failure.
set -euo pipefail
endpoint=$1
db=$2
aws_cli=${AWS_CLI:-/usr/bin/aws}
glue() { "$aws_cli" --endpoint-url "$endpoint" --no-cli-pager glue "$@"; }
checks=0
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAILED: $1: expected [$2], got [$3]"; exit 1; fi
  checks=$((checks + 1)); echo "ok: $1"
}
expect_error() { # expect_error DESCRIPTION TEXT COMMAND...
  local description=$1 text=$2; shift 2
  local output
  if output=$("$@" 2>&1); then echo "FAILED: $description: the command succeeded: $output"; exit 1; fi
  case "$output" in *"$text"*) checks=$((checks + 1)); echo "ok: $description";; *) echo "FAILED: $description: expected [$text] in [$output]"; exit 1;; esac
}

glue create-database --database-input "{\"Name\":\"$db\",\"Description\":\"the lake\"}"
check "get-database: description" "the lake" "$(glue get-database --name "$db" --query Database.Description --output text)"
check "get-databases: lists it" "$db" "$(glue get-databases --query "DatabaseList[?Name=='$db'].Name | [0]" --output text)"
expect_error "create-database twice: AlreadyExistsException" "AlreadyExistsException" glue create-database --database-input "{\"Name\":\"$db\"}"
expect_error "get-database unknown: EntityNotFoundException" "Database nope_$db not found." glue get-database --name "nope_$db"

table_input='{"Name":"Events","TableType":"EXTERNAL_TABLE","Parameters":{"classification":"json"},
 "StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"},{"Name":"kind","Type":"string"}],"Location":"s3://lake/events/",
  "InputFormat":"org.apache.hadoop.mapred.TextInputFormat","OutputFormat":"org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  "SerdeInfo":{"SerializationLibrary":"org.openx.data.jsonserde.JsonSerDe"}},
 "PartitionKeys":[{"Name":"year","Type":"int"},{"Name":"month","Type":"string"}]}'
glue create-table --database-name "$db" --table-input "$table_input"
check "get-table: name in lowercase" events "$(glue get-table --database-name "$db" --name Events --query Table.Name --output text)"
check "get-table: classification" json "$(glue get-table --database-name "$db" --name events --query Table.Parameters.classification --output text)"
check "get-table: columns" "id bigint kind string" "$(glue get-table --database-name "$db" --name events --query 'Table.StorageDescriptor.Columns[].[Name,Type]' --output text | tr '\t\n' '  ' | sed 's/ $//')"
check "get-table: version 0" 0 "$(glue get-table --database-name "$db" --name events --query Table.VersionId --output text)"
create_time=$(glue get-table --database-name "$db" --name events --query Table.CreateTime --output text)
case "$create_time" in 20*) checks=$((checks + 1)); echo "ok: get-table: CreateTime is a timestamp ($create_time)";; *) echo "FAILED: CreateTime $create_time"; exit 1;; esac
expect_error "create-table twice: AlreadyExistsException" "AlreadyExistsException" glue create-table --database-name "$db" --table-input "$table_input"
expect_error "create-table in unknown database" "Database nope_$db not found." glue create-table --database-name "nope_$db" --table-input "$table_input"

partitions='['
for y in 2023 2024; do for m in 01 02 03; do
  partitions+="{\"Values\":[\"$y\",\"$m\"],\"StorageDescriptor\":{\"Location\":\"s3://lake/events/year=$y/month=$m/\"}},"
done; done
partitions="${partitions%,}]"
check "batch-create-partition: no errors" 0 "$(glue batch-create-partition --database-name "$db" --table-name events --partition-input-list "$partitions" --query 'length(Errors)' --output text)"
check "batch-create-partition again: six AlreadyExists" "6 AlreadyExistsException" "$(glue batch-create-partition --database-name "$db" --table-name events --partition-input-list "$partitions" --query '[length(Errors), Errors[0].ErrorDetail.ErrorCode]' --output text | tr '\t' ' ')"
check "get-partitions: all" 6 "$(glue get-partitions --database-name "$db" --table-name events --query 'length(Partitions)' --output text)"
check "get-partitions: expression" "2024 02 2024 03" "$(glue get-partitions --database-name "$db" --table-name events --expression "year = 2024 AND month BETWEEN '02' AND '03'" --query 'Partitions[].Values' --output text | tr '\t\n' '  ' | sed 's/ $//')"
check "get-partitions: IN and OR" 3 "$(glue get-partitions --database-name "$db" --table-name events --expression "month IN ('01') OR (year > 2023 AND month LIKE '0_' AND month <> '01' AND month < '03')" --query 'length(Partitions)' --output text)"
expect_error "get-partitions: bad expression" "InvalidInputException" glue get-partitions --database-name "$db" --table-name events --expression "year = = 1"
check "get-partition" "s3://lake/events/year=2023/month=02/" "$(glue get-partition --database-name "$db" --table-name events --partition-values 2023 02 --query Partition.StorageDescriptor.Location --output text)"
glue create-partition --database-name "$db" --table-name events --partition-input '{"Values":["2025","01"]}'
glue delete-partition --database-name "$db" --table-name events --partition-values 2025 01
expect_error "get-partition deleted" "EntityNotFoundException" glue get-partition --database-name "$db" --table-name events --partition-values 2025 01
check "batch-delete-partition: one missing" "1" "$(glue batch-delete-partition --database-name "$db" --table-name events --partitions-to-delete '[{"Values":["2023","01"]},{"Values":["1999","01"]}]' --query 'length(Errors)' --output text)"
check "get-partitions after delete" 5 "$(glue get-partitions --database-name "$db" --table-name events --query 'length(Partitions)' --output text)"

updated=$(/usr/bin/python3 -c 'import json,sys; t=json.loads(sys.argv[1]); t["StorageDescriptor"]["Columns"].append({"Name":"extra","Type":"double"}); print(json.dumps(t))' "$table_input")
glue update-table --database-name "$db" --table-input "$updated"
check "update-table: version 1" 1 "$(glue get-table --database-name "$db" --name events --query Table.VersionId --output text)"
check "get-table-versions: newest first" "1 0" "$(glue get-table-versions --database-name "$db" --table-name events --query 'TableVersions[].VersionId' --output text | tr '\t' ' ')"
check "get-table-version 0: two columns" 2 "$(glue get-table-version --database-name "$db" --table-name events --version-id 0 --query 'length(TableVersion.Table.StorageDescriptor.Columns)' --output text)"
glue create-table --database-name "$db" --table-input '{"Name":"other_table","StorageDescriptor":{"Columns":[{"Name":"a","Type":"string"}]}}'
check "get-tables: expression" other_table "$(glue get-tables --database-name "$db" --expression 'other*' --query 'TableList[].Name' --output text)"
check "get-tables: all" 2 "$(glue get-tables --database-name "$db" --query 'length(TableList)' --output text)"
check "search-tables: by name" other_table "$(glue search-tables --search-text OTHER --filters "Key=DatabaseName,Value=$db" --query 'TableList[].Name' --output text)"
glue delete-table --database-name "$db" --name other_table
expect_error "get-table deleted" "Table other_table not found." glue get-table --database-name "$db" --name other_table
echo "all $checks checks passed"
