// @aws-sdk/client-glue and @aws-sdk/client-athena (JS SDK v3) against a running Tributary (JSON 1.1, HTTP/1.1):
// Glue database, table and partition CRUD; a crawler with a schedule (its state through Start/Stop/UpdateCrawlerSchedule)
// run over Hive folders of JSON lines written into the local object directory; an Athena query whose 3,000 rows are
// read in pages of 1,000 (by hand and with the SDK's paginator); a failed query and Athena's errors.
// Usage: node glue_athena_js.mjs ENDPOINT_URL OBJECTS_DIR. Prints one line per check; exits 1 at the first failure.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  GlueClient, CreateDatabaseCommand, GetDatabaseCommand, GetDatabasesCommand, UpdateDatabaseCommand, DeleteDatabaseCommand,
  CreateTableCommand, GetTableCommand, GetTablesCommand, UpdateTableCommand, DeleteTableCommand, GetTableVersionsCommand,
  BatchCreatePartitionCommand, CreatePartitionCommand, GetPartitionCommand, GetPartitionsCommand, DeletePartitionCommand,
  BatchDeletePartitionCommand, CreateCrawlerCommand, GetCrawlerCommand, StartCrawlerCommand, StopCrawlerScheduleCommand,
  StartCrawlerScheduleCommand, UpdateCrawlerScheduleCommand, GetCrawlerMetricsCommand, DeleteCrawlerCommand,
} from "@aws-sdk/client-glue";
import {
  AthenaClient, StartQueryExecutionCommand, GetQueryExecutionCommand, GetQueryResultsCommand, paginateGetQueryResults,
} from "@aws-sdk/client-athena";
import { check, done, fails, limitTime } from "./checks.mjs";

const [endpoint, objects] = process.argv.slice(2);
limitTime();
const options = { endpoint, region: "us-east-1", credentials: { accessKeyId: "tributary", secretAccessKey: "tributary" }, maxAttempts: 1 };
const glue = new GlueClient(options);
const athena = new AthenaClient(options);
const suffix = Math.random().toString(36).slice(2, 8);
const database = "js_" + suffix;
const bucket = "js-" + suffix;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- Databases ---
await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database, Description: "first" } }));
check((await glue.send(new GetDatabaseCommand({ Name: database }))).Database.Description === "first", "CreateDatabase, GetDatabase");
await glue.send(new UpdateDatabaseCommand({ Name: database, DatabaseInput: { Name: database, Description: "second" } }));
const databases = (await glue.send(new GetDatabasesCommand({}))).DatabaseList;
check(databases.some((d) => d.Name === database && d.Description === "second" && d.CreateTime instanceof Date), "UpdateDatabase, GetDatabases (CreateTime as a date)");
const taken = await fails(glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } })));
check(taken?.name === "AlreadyExistsException", "a taken database name: AlreadyExistsException");

// --- Tables and partitions ---
const storage = (location) => ({
  Columns: [{ Name: "id", Type: "bigint" }, { Name: "kind", Type: "string" }], Location: location,
  InputFormat: "org.apache.hadoop.mapred.TextInputFormat", OutputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  SerdeInfo: { SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
});
const tableInput = (description) => ({
  Name: "manual", Description: description, TableType: "EXTERNAL_TABLE", Parameters: { classification: "json" },
  StorageDescriptor: storage(`s3://${bucket}/manual/`), PartitionKeys: [{ Name: "day", Type: "string" }],
});
await glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: tableInput("v0") }));
await glue.send(new UpdateTableCommand({ DatabaseName: database, TableInput: tableInput("v1") }));
const table = (await glue.send(new GetTableCommand({ DatabaseName: database, Name: "manual" }))).Table;
check(table.Description === "v1" && table.PartitionKeys[0].Name === "day" && table.StorageDescriptor.Columns.length === 2, "CreateTable, UpdateTable, GetTable");
const versions = (await glue.send(new GetTableVersionsCommand({ DatabaseName: database, TableName: "manual" }))).TableVersions;
check(versions.length === 2, "GetTableVersions: two versions");
const partition = (day) => ({ Values: [day], StorageDescriptor: storage(`s3://${bucket}/manual/day=${day}/`) });
const batch = await glue.send(new BatchCreatePartitionCommand({ DatabaseName: database, TableName: "manual",
  PartitionInputList: [partition("2026-11-01"), partition("2026-11-02"), partition("2026-11-03")] }));
check((batch.Errors ?? []).length === 0, "BatchCreatePartition: three partitions");
await glue.send(new CreatePartitionCommand({ DatabaseName: database, TableName: "manual", PartitionInput: partition("2026-11-04") }));
const one = (await glue.send(new GetPartitionCommand({ DatabaseName: database, TableName: "manual", PartitionValues: ["2026-11-02"] }))).Partition;
check(one.Values[0] === "2026-11-02" && one.StorageDescriptor.Location.endsWith("day=2026-11-02/"), "CreatePartition, GetPartition");
const selected = (await glue.send(new GetPartitionsCommand({ DatabaseName: database, TableName: "manual", Expression: "day >= '2026-11-03'" }))).Partitions;
check(selected.map((p) => p.Values[0]).sort().join(",") === "2026-11-03,2026-11-04", "GetPartitions with an expression");
await glue.send(new DeletePartitionCommand({ DatabaseName: database, TableName: "manual", PartitionValues: ["2026-11-04"] }));
const deleted = await glue.send(new BatchDeletePartitionCommand({ DatabaseName: database, TableName: "manual",
  PartitionsToDelete: [{ Values: ["2026-11-03"] }, { Values: ["1999-01-01"] }] }));
check(deleted.Errors.length === 1 && deleted.Errors[0].PartitionValues[0] === "1999-01-01" && deleted.Errors[0].ErrorDetail.ErrorCode === "EntityNotFoundException",
  "DeletePartition, BatchDeletePartition (an unknown partition reported)");
check((await glue.send(new GetPartitionsCommand({ DatabaseName: database, TableName: "manual" }))).Partitions.length === 2, "two partitions left");
await glue.send(new DeleteTableCommand({ DatabaseName: database, Name: "manual" }));
const goneTable = await fails(glue.send(new GetTableCommand({ DatabaseName: database, Name: "manual" })));
check(goneTable?.name === "EntityNotFoundException", "DeleteTable: then EntityNotFoundException");

// --- A crawler with a schedule, run on demand over Hive folders of JSON lines ---
const days = ["2026-11-01", "2026-11-02", "2026-11-03"];
let id = 0;
for (const day of days) {
  const folder = join(objects, bucket, "events", `day=${day}`);
  mkdirSync(folder, { recursive: true });
  const lines = [];
  for (let i = 0; i < 1000; i++, id++) lines.push(JSON.stringify({ id, kind: ["click", "view", "buy"][id % 3], amount: id / 4 }));
  writeFileSync(join(folder, "part-0.json"), lines.join("\n") + "\n");
}
const crawler = "js-crawler-" + suffix;
await glue.send(new CreateCrawlerCommand({ Name: crawler, Role: "arn:aws:iam::000000000000:role/glue", DatabaseName: database,
  Targets: { S3Targets: [{ Path: `s3://${bucket}/events/` }] }, Schedule: "cron(15 12 * * ? *)" }));
let shape = (await glue.send(new GetCrawlerCommand({ Name: crawler }))).Crawler;
check(shape.Schedule.ScheduleExpression === "cron(15 12 * * ? *)" && shape.Schedule.State === "SCHEDULED" && shape.State === "READY",
  "CreateCrawler with a schedule: SCHEDULED");
await glue.send(new StopCrawlerScheduleCommand({ CrawlerName: crawler }));
check((await glue.send(new GetCrawlerCommand({ Name: crawler }))).Crawler.Schedule.State === "NOT_SCHEDULED", "StopCrawlerSchedule: NOT_SCHEDULED");
const notRunning = await fails(glue.send(new StopCrawlerScheduleCommand({ CrawlerName: crawler })));
check(notRunning?.name === "SchedulerNotRunningException", "StopCrawlerSchedule again: SchedulerNotRunningException");
await glue.send(new UpdateCrawlerScheduleCommand({ CrawlerName: crawler, Schedule: "cron(0 6 ? * MON-FRI *)" }));
await glue.send(new StartCrawlerScheduleCommand({ CrawlerName: crawler }));
shape = (await glue.send(new GetCrawlerCommand({ Name: crawler }))).Crawler;
check(shape.Schedule.ScheduleExpression === "cron(0 6 ? * MON-FRI *)" && shape.Schedule.State === "SCHEDULED", "UpdateCrawlerSchedule, StartCrawlerSchedule");
const tooOften = await fails(glue.send(new UpdateCrawlerScheduleCommand({ CrawlerName: crawler, Schedule: "cron(* * * * ? *)" })));
check(tooOften?.name === "InvalidInputException" && tooOften.message.includes("5 minutes"), "a schedule more often than every 5 minutes: InvalidInputException");
await glue.send(new StartCrawlerCommand({ Name: crawler }));
const deadline = Date.now() + 60_000;
do {
  await sleep(100);
  shape = (await glue.send(new GetCrawlerCommand({ Name: crawler }))).Crawler;
} while (!(shape.State === "READY" && shape.LastCrawl) && Date.now() < deadline);
check(shape.State === "READY" && shape.LastCrawl?.Status === "SUCCEEDED" && shape.LastCrawl.StartTime instanceof Date, "StartCrawler → READY, LastCrawl SUCCEEDED");
const metrics = (await glue.send(new GetCrawlerMetricsCommand({ CrawlerNameList: [crawler] }))).CrawlerMetricsList;
check(metrics[0].TablesCreated === 1, "GetCrawlerMetrics: one table created");
const crawled = (await glue.send(new GetTablesCommand({ DatabaseName: database }))).TableList;
const events = crawled.find((t) => t.Name === "events");
const schema = events?.StorageDescriptor.Columns.map((c) => `${c.Name}:${c.Type}`).join() + " partitioned by " + events?.PartitionKeys.map((k) => `${k.Name}:${k.Type}`).join();
check(schema === "id:bigint,kind:string,amount:double partitioned by day:string", "GetTables: the inferred schema and partition key: " + schema);
const crawledPartitions = (await glue.send(new GetPartitionsCommand({ DatabaseName: database, TableName: "events" }))).Partitions;
check(crawledPartitions.map((p) => p.Values[0]).sort().join() === days.join(), "GetPartitions: the crawled partitions");

// --- Athena: a query read in pages ---
const output = `s3://${bucket}/results/`;
async function run(sql) {
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: { Database: database },
    ResultConfiguration: { OutputLocation: output } }));
  const until = Date.now() + 60_000;
  for (;;) {
    const execution = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution;
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(execution.Status.State) || Date.now() > until) return execution;
    await sleep(50);
  }
}
const execution = await run("SELECT id, kind, day FROM events WHERE day >= '2026-11-01' ORDER BY id");
check(execution.Status.State === "SUCCEEDED" && execution.Statistics.DataScannedInBytes > 0 && execution.ResultConfiguration.OutputLocation === `${output}${execution.QueryExecutionId}.csv`,
  "StartQueryExecution → SUCCEEDED, statistics and the result location");
let token;
let pages = 0;
const ids = [];
do {
  const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: execution.QueryExecutionId, MaxResults: 1000, NextToken: token }));
  if (pages === 0) {
    check(page.ResultSet.Rows[0].Data.map((d) => d.VarCharValue).join() === "id,kind,day", "the first page starts with the header row");
    check(page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => c.Type).join() === "bigint,varchar,varchar", "ColumnInfo types");
  }
  for (const row of page.ResultSet.Rows) ids.push(row.Data[0].VarCharValue);
  token = page.NextToken;
  pages++;
} while (token);
check(pages === 4 && ids.length === 3001 && ids[1] === "0" && ids[3000] === "2999", "GetQueryResults: 3,000 rows and the header in 4 pages of at most 1,000");
let paginated = 0;
for await (const page of paginateGetQueryResults({ client: athena, pageSize: 500 }, { QueryExecutionId: execution.QueryExecutionId })) paginated += page.ResultSet.Rows.length;
check(paginated === 3001, "paginateGetQueryResults with pages of 500 reads the same rows");
const grouped = await run("SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind");
const groupedRows = (await athena.send(new GetQueryResultsCommand({ QueryExecutionId: grouped.QueryExecutionId }))).ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue).join("="));
check(groupedRows.join() === "kind=n,buy=1000,click=1000,view=1000", "GROUP BY counts");
const failed = await run("SELECT * FROM events WHERE");
check(failed.Status.State === "FAILED" && failed.Status.StateChangeReason.includes("syntax error") && failed.Status.AthenaError.ErrorCategory === 2, "malformed SQL: FAILED with the reason");
const noResults = await fails(athena.send(new GetQueryResultsCommand({ QueryExecutionId: failed.QueryExecutionId })));
check(noResults?.name === "InvalidRequestException" && noResults.message.includes("FAILED"), "results of a failed query: InvalidRequestException");
const big = await fails(athena.send(new GetQueryResultsCommand({ QueryExecutionId: execution.QueryExecutionId, MaxResults: 1001 })));
check(big?.name === "InvalidRequestException", "MaxResults above 1000: InvalidRequestException");

await glue.send(new DeleteCrawlerCommand({ Name: crawler }));
await glue.send(new DeleteDatabaseCommand({ Name: database }));
check((await fails(glue.send(new GetDatabaseCommand({ Name: database }))))?.name === "EntityNotFoundException", "DeleteCrawler, DeleteDatabase");
done();
