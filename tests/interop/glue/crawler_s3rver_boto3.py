"""Glue crawlers over an S3-compatible store (s3rver) with boto3 (Debian's python3-boto3): Tributary runs with
delivery.destination=s3 pointed at s3rver, so its crawlers list and read the objects through the S3 API (and Athena
reads them through its local cache). The objects are put into s3rver with boto3 itself. Then what each
SchemaChangePolicy.DeleteBehavior does when objects disappear: three crawlers, each over two table folders (orders:
Hive partitions dt=…; users: plain objects), one with LOG, one with DELETE_FROM_DATABASE, one with
DEPRECATE_IN_DATABASE; one partition's objects and then the whole users folder are deleted from s3rver and each
crawler runs again. Usage: crawler_s3rver_boto3.py ENDPOINT S3RVER_ENDPOINT. Prints one line per check; exits 1 at
the first failure."""
import gzip
import json
import sys
import time
import uuid

import boto3
import botocore.config
from interop_checks import check, passed

endpoint, s3rver_endpoint = sys.argv[1], sys.argv[2]
glue = boto3.client("glue", endpoint_url=endpoint)
athena = boto3.client("athena", endpoint_url=endpoint)
store = boto3.client("s3", endpoint_url=s3rver_endpoint, aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
                     config=botocore.config.Config(s3={"addressing_style": "path"}))
bucket = "lake-" + uuid.uuid4().hex[:8]
role = "arn:aws:iam::000000000000:role/glue"


def put(key, lines, compress=False):
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    store.put_object(Bucket=bucket, Key=key, Body=gzip.compress(data) if compress else data)


def delete_prefix(prefix):
    keys = [o["Key"] for o in store.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
    for key in keys:
        store.delete_object(Bucket=bucket, Key=key)
    return len(keys)


def crawl(name):
    before = glue.get_crawler(Name=name)["Crawler"].get("LastCrawl", {}).get("MessagePrefix")
    glue.start_crawler(Name=name)
    deadline = time.time() + 90
    while time.time() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        last = crawler.get("LastCrawl", {})
        if crawler["State"] == "READY" and last.get("MessagePrefix") != before:
            return last
        time.sleep(0.1)
    print(f"FAILED: crawler {name} did not finish in 90 s")
    sys.exit(1)


def tables(database):
    return {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}


def partitions(database, table):
    return sorted(p["Values"][0] for p in glue.get_partitions(DatabaseName=database, TableName=table)["Partitions"])


def query(sql, database):
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/athena-results/"})["QueryExecutionId"]
    deadline = time.time() + 60
    while time.time() < deadline:
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.05)
    check(f"query {sql!r} succeeded", "SUCCEEDED", status["State"])
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    return [[d.get("VarCharValue") for d in r["Data"]] for r in rows[1:]]


store.create_bucket(Bucket=bucket)
behaviours = {"log": "LOG", "delete": "DELETE_FROM_DATABASE", "deprecate": "DEPRECATE_IN_DATABASE"}
for folder in behaviours:
    for day, n in (("2026-12-01", 2), ("2026-12-02", 3)):
        put(f"{folder}/orders/dt={day}/part-0.json.gz", [{"id": i, "sku": f"s{i}", "qty": i + 1} for i in range(n)], compress=True)
    put(f"{folder}/users/users-0.json", [{"user": "ann", "age": 31}, {"user": "bob", "age": 45}])

# The crawl reads s3rver: the tables, their schema and partitions come from objects only s3rver holds.
for folder, behaviour in behaviours.items():
    database = f"s3_{folder}_{uuid.uuid4().hex[:6]}"
    behaviours[folder] = (behaviour, database)
    glue.create_crawler(Name=database, Role=role, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/{folder}/orders/"}, {"Path": f"s3://{bucket}/{folder}/users/"}]},
                        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": behaviour})
    last = crawl(database)
    check(f"{behaviour}: first crawl of s3rver succeeded", "SUCCEEDED", last["Status"])
    found = tables(database)
    check(f"{behaviour}: tables from s3rver", ["orders", "users"], sorted(found))
    orders = found["orders"]
    check(f"{behaviour}: orders columns", [("id", "bigint"), ("sku", "string"), ("qty", "bigint")],
          [(c["Name"], c["Type"]) for c in orders["StorageDescriptor"]["Columns"]])
    check(f"{behaviour}: orders location in s3rver's bucket", f"s3://{bucket}/{folder}/orders/", orders["StorageDescriptor"]["Location"])
    check(f"{behaviour}: orders partition key", ["dt"], [k["Name"] for k in orders["PartitionKeys"]])
    check(f"{behaviour}: orders partitions", ["2026-12-01", "2026-12-02"], partitions(database, "orders"))
    check(f"{behaviour}: users classification", "json", found["users"]["Parameters"]["classification"])

_, database = behaviours["delete"]
check("Athena over s3rver objects: rows per partition", [["2026-12-01", "2", "3"], ["2026-12-02", "3", "6"]],
      query("SELECT dt, count(*), sum(qty) FROM orders GROUP BY dt ORDER BY dt", database))

# One partition's objects go away, then a whole table's.
for folder in behaviours:
    check(f"{folder}: objects of partition dt=2026-12-01 deleted from s3rver", 1, delete_prefix(f"{folder}/orders/dt=2026-12-01/"))
for folder, (behaviour, database) in behaviours.items():
    check(f"{behaviour}: recrawl after a partition's objects went", "SUCCEEDED", crawl(database)["Status"])
    expected = ["2026-12-02"] if behaviour == "DELETE_FROM_DATABASE" else ["2026-12-01", "2026-12-02"]
    check(f"{behaviour}: partitions after dt=2026-12-01 went", expected, partitions(database, "orders"))
for folder in behaviours:
    check(f"{folder}: users objects deleted from s3rver", 1, delete_prefix(f"{folder}/users/"))
for folder, (behaviour, database) in behaviours.items():
    last = crawl(database)
    check(f"{behaviour}: recrawl after the users folder went", "SUCCEEDED", last["Status"])
    found = tables(database)
    if behaviour == "DELETE_FROM_DATABASE":
        check(f"{behaviour}: users deleted, orders kept", ["orders"], sorted(found))
        check(f"{behaviour}: the crawler counts the deleted table", 1, glue.get_crawler_metrics(CrawlerNameList=[database])["CrawlerMetricsList"][0]["TablesDeleted"])
        continue
    check(f"{behaviour}: both tables kept", ["orders", "users"], sorted(found))
    deprecated = found["users"].get("Parameters", {}).get("DEPRECATED_BY_CRAWLER")
    if behaviour == "DEPRECATE_IN_DATABASE":
        check(f"{behaviour}: users marked deprecated with a time (yyyy-mm-ddThh:mm:ssZ)", (20, "Z"), (len(deprecated or ""), (deprecated or "")[-1:]))
        check(f"{behaviour}: orders not marked", None, found["orders"].get("Parameters", {}).get("DEPRECATED_BY_CRAWLER"))
    else:
        check(f"{behaviour}: users not marked", None, deprecated)
print(f"all {passed()} checks passed")
