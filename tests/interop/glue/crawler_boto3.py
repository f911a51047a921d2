"""Glue crawlers driven with boto3 (Debian's python3-boto3) against a running Tributary, over objects written into the
local object directory: JSON lines in gzip objects in Firehose's YYYY/MM/DD/HH/ layout (4 partition keys partition_0..3,
an exclusion), Parquet with nested types (written by the test before this script runs, under BUCKET/nested/),
Hive-style key=value folders, a recrawl after a schema change with UPDATE_IN_DATABASE and with LOG, CRAWL_NEW_FOLDERS_ONLY,
CSV with a header, metrics and listing; then bad input: an empty prefix, objects that are not what their extension says,
a target of nothing but such objects, and the API's errors. Usage: crawler_boto3.py ENDPOINT OBJECTS_DIR BUCKET.
Prints one line per check; exits 1 at the first failure."""
import gzip
import json
import os
import sys
import time
import uuid

import boto3
import botocore.exceptions
from interop_checks import check, passed

endpoint, objects_dir, bucket = sys.argv[1], sys.argv[2], sys.argv[3]
glue = boto3.client("glue", endpoint_url=endpoint)
db = "crawl_" + uuid.uuid4().hex[:8]
role = "arn:aws:iam::000000000000:role/glue"


def expect_error(description, code, call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as error:
        check(description, code, error.response["Error"]["Code"])
        return error.response["Error"]["Message"]
    print(f"FAILED: {description}: no error")
    sys.exit(1)


def write(key, lines, compress=False):
    path = os.path.join(objects_dir, bucket, key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode()
    with open(path, "wb") as f:
        f.write(gzip.compress(data) if compress else data)


def crawl(name):
    before = glue.get_crawler(Name=name)["Crawler"].get("LastCrawl", {}).get("MessagePrefix")
    glue.start_crawler(Name=name)
    deadline = time.time() + 60
    while time.time() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and crawler.get("LastCrawl", {}).get("MessagePrefix") != before:
            return crawler["LastCrawl"]
        time.sleep(0.1)
    print(f"FAILED: crawler {name} did not finish")
    sys.exit(1)


def create(name, path, **extra):
    glue.create_crawler(Name=name, Role=role, DatabaseName=db, Targets={"S3Targets": [{"Path": path, **extra.pop("target", {})}]}, **extra)


def columns(table):
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def partitions(table):
    return sorted(tuple(p["Values"]) for p in glue.get_partitions(DatabaseName=db, TableName=table)["Partitions"])


# 1. Firehose's layout: gzip JSON lines under YYYY/MM/DD/HH/; the exclusion drops the *.tmp objects.
for hour in ("20", "21"):
    for n in range(2):
        write(f"firehose/2026/12/06/{hour}/stream-1-2026-12-06-{hour}-{n}.gz",
              [json.dumps({"id": n * 10 + i, "category": ["a", "b"][i % 2], "price": 1.5 * i, "ok": i % 2 == 0, "at": "2026-12-06T20:00:00Z"}) for i in range(5)], compress=True)
write("firehose/2026/12/06/20/in-flight.tmp", [json.dumps({"id": 1, "excluded": True})])
create("firehose", f"s3://{bucket}/firehose/", TablePrefix="raw_", target={"Exclusions": ["**.tmp"]})
last = crawl("firehose")
check("firehose layout: crawl SUCCEEDED", "SUCCEEDED", last["Status"])
table = glue.get_table(DatabaseName=db, Name="raw_firehose")["Table"]
check("firehose layout: columns and Glue types", [("id", "bigint"), ("category", "string"), ("price", "double"), ("ok", "boolean"), ("at", "string")], columns(table))
check("firehose layout: 4 partition keys named as Glue does", ["partition_0", "partition_1", "partition_2", "partition_3"], [k["Name"] for k in table["PartitionKeys"]])
check("firehose layout: classification and compression", ("json", "gzip"), (table["Parameters"]["classification"], table["Parameters"]["compressionType"]))
check("firehose layout: OpenX JSON SerDe", "org.openx.data.jsonserde.JsonSerDe", table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"])
check("firehose layout: text input format", "org.apache.hadoop.mapred.TextInputFormat", table["StorageDescriptor"]["InputFormat"])
check("firehose layout: location", f"s3://{bucket}/firehose/", table["StorageDescriptor"]["Location"])
check("firehose layout: partitions per hour", [("2026", "12", "06", "20"), ("2026", "12", "06", "21")], partitions("raw_firehose"))
part = glue.get_partition(DatabaseName=db, TableName="raw_firehose", PartitionValues=["2026", "12", "06", "21"])["Partition"]
check("firehose layout: partition location", f"s3://{bucket}/firehose/2026/12/06/21/", part["StorageDescriptor"]["Location"])
metrics = glue.get_crawler_metrics(CrawlerNameList=["firehose"])["CrawlerMetricsList"]
check("metrics: one table created", (1, 0), (metrics[0]["TablesCreated"], metrics[0]["TablesUpdated"]))

# 2. Parquet with nested types (the objects were written before this script ran).
create("nested", f"s3://{bucket}/nested/")
check("parquet: crawl SUCCEEDED", "SUCCEEDED", crawl("nested")["Status"])
table = glue.get_table(DatabaseName=db, Name="nested")["Table"]
check("parquet: nested columns in Glue's type names", [
    ("id", "int"), ("name", "string"), ("amount", "decimal(10,2)"), ("address", "struct<city:string,zip:int>"),
    ("tags", "array<string>"), ("attributes", "map<string,bigint>"), ("items", "array<struct<sku:string,qty:int>>"),
    ("created", "timestamp"), ("day", "date"), ("score", "double"), ("big", "bigint"), ("flag", "boolean")], columns(table))
check("parquet: classification", "parquet", table["Parameters"]["classification"])
check("parquet: SerDe", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"])
check("parquet: input format", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", table["StorageDescriptor"]["InputFormat"])
check("parquet: unpartitioned", [], table["PartitionKeys"])

# 3. Hive-style folders; schema merging across files (the second file adds a column).
write("hive/orders/year=2025/month=12/a.json", [json.dumps({"order": 1, "total": 3})])
write("hive/orders/year=2026/month=01/b.json", [json.dumps({"order": 2, "total": 4, "note": "x"})])
create("hive", f"s3://{bucket}/hive/orders/", SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"})
check("hive: crawl SUCCEEDED", "SUCCEEDED", crawl("hive")["Status"])
table = glue.get_table(DatabaseName=db, Name="orders")["Table"]
check("hive: key=value folders give the keys", [("year", "string"), ("month", "string")], [(k["Name"], k["Type"]) for k in table["PartitionKeys"]])
check("hive: columns merged across files", [("order", "bigint"), ("total", "bigint"), ("note", "string")], columns(table))
check("hive: partition values", [("2025", "12"), ("2026", "01")], partitions("orders"))

# 4. Recrawl after a schema change: UPDATE_IN_DATABASE makes a new table version with the new column.
write("hive/orders/year=2026/month=02/c.json", [json.dumps({"order": 3, "total": 5.5, "note": "y", "channel": "web"})])
check("recrawl: SUCCEEDED", "SUCCEEDED", crawl("hive")["Status"])
table = glue.get_table(DatabaseName=db, Name="orders")["Table"]
check("recrawl: the new column is added and total widened to double", [("order", "bigint"), ("total", "double"), ("note", "string"), ("channel", "string")], columns(table))
check("recrawl: a new table version", "1", table["VersionId"])
check("recrawl: the new partition", [("2025", "12"), ("2026", "01"), ("2026", "02")], partitions("orders"))
metrics = glue.get_crawler_metrics(CrawlerNameList=["hive"])["CrawlerMetricsList"][0]
check("recrawl: metrics count one table updated", (0, 1), (metrics["TablesCreated"], metrics["TablesUpdated"]))

# ... and with LOG the change is only logged, while the new partition is still added.
write("logged/year=2026/a.json", [json.dumps({"k": 1})])
create("logged", f"s3://{bucket}/logged/", SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
crawl("logged")
write("logged/year=2027/b.json", [json.dumps({"k": 2, "extra": "z"})])
check("LOG: recrawl SUCCEEDED", "SUCCEEDED", crawl("logged")["Status"])
table = glue.get_table(DatabaseName=db, Name="logged")["Table"]
check("LOG: the table keeps its schema and version", ([("k", "bigint")], "0"), (columns(table), table["VersionId"]))
check("LOG: the new partition is added", [("2026",), ("2027",)], partitions("logged"))

# 5. CRAWL_NEW_FOLDERS_ONLY adds partitions for new folders only.
write("incremental/day=1/a.json", [json.dumps({"v": 1})])
create("incremental", f"s3://{bucket}/incremental/", RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
       SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
crawl("incremental")
write("incremental/day=2/b.json", [json.dumps({"v": 2})])
check("new folders only: SUCCEEDED", "SUCCEEDED", crawl("incremental")["Status"])
check("new folders only: the new folder's partition", [("1",), ("2",)], partitions("incremental"))
check("new folders only: policy shown", "CRAWL_NEW_FOLDERS_ONLY", glue.get_crawler(Name="incremental")["Crawler"]["RecrawlPolicy"]["RecrawlBehavior"])

# 6. CSV with a header row; sibling folders with different schemas become separate tables named after the folders.
write("mixed/customers/c.csv", ["id,name,joined", "1,ann,2026-01-01", "2,bob,2026-02-01"])
write("mixed/products/p.json", [json.dumps({"sku": "x", "price": 2.5})])
create("mixed", f"s3://{bucket}/mixed/")
check("csv and siblings: SUCCEEDED", "SUCCEEDED", crawl("mixed")["Status"])
customers = glue.get_table(DatabaseName=db, Name="customers")["Table"]
check("csv: columns from the header", [("id", "bigint"), ("name", "string"), ("joined", "string")], columns(customers))
check("csv: classification, header and delimiter", ("csv", "1", ","), (customers["Parameters"]["classification"], customers["Parameters"]["skip.header.line.count"], customers["Parameters"]["delimiter"]))
check("csv: LazySimpleSerDe", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", customers["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"])
check("siblings: the other folder is its own table", [("sku", "string"), ("price", "double")], columns(glue.get_table(DatabaseName=db, Name="products")["Table"]))

# 6b. An Avro container file (written by the test with Apache.Avro): columns from the header's writer schema, Avro's
# SerDe and formats, the schema literal kept.
create("avro", f"s3://{bucket}/avro/")
check("avro: SUCCEEDED", "SUCCEEDED", crawl("avro")["Status"])
clicks = glue.get_table(DatabaseName=db, Name="avro")["Table"]
check("avro: columns from the writer schema",
      [("id", "bigint"), ("page", "string"), ("tags", "array<string>"), ("kind", "string"), ("user", "struct<city:string,age:int>"), ("at", "timestamp"), ("score", "double")],
      columns(clicks))
check("avro: classification", "avro", clicks["Parameters"]["classification"])
check("avro: AvroSerDe", "org.apache.hadoop.hive.serde2.avro.AvroSerDe", clicks["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"])
check("avro: the schema literal kept", "shop", json.loads(clicks["Parameters"]["avro.schema.literal"])["namespace"])

# 7. Listing, update, metrics.
names = glue.list_crawlers()["CrawlerNames"]
check("list_crawlers names every crawler", True, {"firehose", "nested", "hive", "logged", "incremental", "mixed", "avro"} <= set(names))
check("get_crawlers returns the shapes", True, {"firehose", "hive"} <= {c["Name"] for c in glue.get_crawlers()["Crawlers"]})
glue.update_crawler(Name="mixed", TablePrefix="m_")
updated = glue.get_crawler(Name="mixed")["Crawler"]
check("update_crawler: prefix changed, target kept, version 2", ("m_", f"s3://{bucket}/mixed/", 2), (updated["TablePrefix"], updated["Targets"]["S3Targets"][0]["Path"], updated["Version"]))
check("crawler shape: Role kept, READY", (role, "READY"), (updated["Role"], updated["State"]))

# 8. Bad input. An empty prefix: SUCCEEDED, no table.
create("empty", f"s3://{bucket}/nothing-here/")
check("empty prefix: SUCCEEDED", "SUCCEEDED", crawl("empty")["Status"])
check("empty prefix: no table", False, any(t["Name"] == "nothing_here" for t in glue.get_tables(DatabaseName=db)["TableList"]))
# Objects that are not what their extension says beside good ones: the good ones make the table.
write("liars/good.json", [json.dumps({"a": 1})])
write("liars/bad.parquet", ["this is text, not parquet"])
with open(os.path.join(objects_dir, bucket, "liars", "truncated.json"), "wb") as f:
    f.write(b"\x00\x01\x02 binary \xff\xfe")
create("liars", f"s3://{bucket}/liars/")
check("lying objects beside good ones: SUCCEEDED", "SUCCEEDED", crawl("liars")["Status"])
check("lying objects: the table from the good one", [("a", "bigint")], columns(glue.get_table(DatabaseName=db, Name="liars")["Table"]))
# Nothing but such objects: FAILED with a message naming them.
os.makedirs(os.path.join(objects_dir, bucket, "allbad"), exist_ok=True)
with open(os.path.join(objects_dir, bucket, "allbad", "x.parquet"), "wb") as f:
    f.write(b"PAR1 then garbage without a footer")
with open(os.path.join(objects_dir, bucket, "allbad", "y.avro"), "wb") as f:
    f.write(bytes(range(256)))
create("allbad", f"s3://{bucket}/allbad/")
last = crawl("allbad")
check("only bad objects: FAILED", "FAILED", last["Status"])
check("only bad objects: the message names them", True, "allbad/x.parquet" in last["ErrorMessage"] and "allbad/y.avro" in last["ErrorMessage"])
# The API's errors.
expect_error("unknown crawler: EntityNotFoundException", "EntityNotFoundException", glue.get_crawler, Name="no-such-crawler")
expect_error("start unknown: EntityNotFoundException", "EntityNotFoundException", glue.start_crawler, Name="no-such-crawler")
expect_error("taken name: AlreadyExistsException", "AlreadyExistsException", create, name="hive", path=f"s3://{bucket}/hive/")
expect_error("stop when not running: CrawlerNotRunningException", "CrawlerNotRunningException", glue.stop_crawler, Name="hive")
expect_error("JDBC targets: InvalidInputException", "InvalidInputException", glue.create_crawler, Name="jdbc", Role=role, DatabaseName=db,
             Targets={"JdbcTargets": [{"ConnectionName": "c", "Path": "db/%"}]})
expect_error("not an s3 path: InvalidInputException", "InvalidInputException", glue.create_crawler, Name="http", Role=role, DatabaseName=db,
             Targets={"S3Targets": [{"Path": "http://example.com/x"}]})
expect_error("new folders only with UPDATE_IN_DATABASE: InvalidInputException", "InvalidInputException", glue.create_crawler, Name="bad-policy",
             Role=role, DatabaseName=db, Targets={"S3Targets": [{"Path": f"s3://{bucket}/x/"}]},
             RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"}, SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"})
# A crawl under way refuses a second start, an update and a delete; it can be stopped.
for n in range(400):
    write(f"many/part={n % 20}/o{n}.json", [json.dumps({"n": n, "s": "x" * (n % 7)})])
create("many", f"s3://{bucket}/many/")
glue.start_crawler(Name="many")
expect_error("start while running: CrawlerRunningException", "CrawlerRunningException", glue.start_crawler, Name="many")
expect_error("delete while running: CrawlerRunningException", "CrawlerRunningException", glue.delete_crawler, Name="many")
try:
    glue.stop_crawler(Name="many")
except glue.exceptions.CrawlerNotRunningException:
    pass  # it finished first: then LastCrawl is SUCCEEDED
deadline = time.time() + 60
while glue.get_crawler(Name="many")["Crawler"]["State"] != "READY" and time.time() < deadline:
    time.sleep(0.1)
check("stopped crawl: CANCELLED or finished before the stop", True, glue.get_crawler(Name="many")["Crawler"]["LastCrawl"]["Status"] in ("CANCELLED", "SUCCEEDED"))
glue.delete_crawler(Name="many")
expect_error("deleted crawler is gone", "EntityNotFoundException", glue.get_crawler, Name="many")
print(f"all {passed()} checks passed")
