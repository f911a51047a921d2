// The reference Athena for bench/athena/run.sh: the least an Athena-compatible server on DuckDB can do, so that the
// same boto3 client can be timed against it and against Tributary (its own JSON parsing of 1,000-row pages is then on
// both sides). One process-wide @duckdb/node-api instance with a view per table over the same Parquet files
// (read_parquet, hive_partitioning); StartQueryExecution runs the query to completion on a new connection before it
// answers (so the first GetQueryExecution is SUCCEEDED), keeps the rows as strings in memory; GetQueryResults pages
// them in Athena's ResultSet shape; GET /BUCKET/results/ID.csv serves the result CSV. No catalog, no partition pruning
// beyond DuckDB's own hive filter pushdown, no persistence, no validation: a yardstick, not a server.
// Usage: node reference_server.mjs TABLES.json → prints "listening PORT"; then one JSON line per query run
// ({"id","ms"}: DuckDB's own time for the query with every row read, as the raw reference measures) on stdout.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { DuckDBInstance } from "@duckdb/node-api";

const tables = JSON.parse(readFileSync(process.argv[2], "utf8"));
const instance = await DuckDBInstance.create(":memory:");
const setup = await instance.connect();
// The same setting as Tributary's engine (PreparedDatabases): Parquet footers cached across queries.
await setup.run("SET parquet_metadata_cache = true");
for (const [name, source] of Object.entries(tables)) {
  await setup.run(`CREATE VIEW ${name} AS SELECT * FROM ${source}`);
}
setup.closeSync();
const results = new Map();

async function start(body) {
  const started = process.hrtime.bigint();
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(body.QueryString);
  const columns = reader.columnNames();
  const rows = reader.getRowsJS().map(row => row.map(v => (v === null || v === undefined ? null : String(v))));
  connection.closeSync();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const id = randomUUID();
  const folder = body.ResultConfiguration?.OutputLocation ?? "s3://bench/results/";
  results.set(id, { columns, rows, location: `${folder.replace(/\/?$/, "/")}${id}.csv` });
  console.log(JSON.stringify({ id, ms }));
  return { QueryExecutionId: id };
}

function execution(body) {
  const result = results.get(body.QueryExecutionId);
  return {
    QueryExecution: {
      QueryExecutionId: body.QueryExecutionId, Query: "", Status: { State: "SUCCEEDED" },
      ResultConfiguration: { OutputLocation: result.location }, Statistics: { EngineExecutionTimeInMillis: 0 },
    },
  };
}

function page(body) {
  const result = results.get(body.QueryExecutionId);
  const total = result.rows.length + 1;
  const first = body.NextToken ? Number(body.NextToken) : 0;
  const end = Math.min(total, first + (body.MaxResults ?? 1000));
  const rows = [];
  for (let i = first; i < end; i++) {
    const values = i === 0 ? result.columns : result.rows[i - 1];
    rows.push({ Data: values.map(v => (v === null ? {} : { VarCharValue: v })) });
  }
  const columnInfo = result.columns.map(name => ({ CatalogName: "hive", SchemaName: "", TableName: "", Name: name, Label: name, Type: "varchar", Precision: 0, Scale: 0, Nullable: "UNKNOWN", CaseSensitive: true }));
  return { UpdateCount: 0, ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: columnInfo } }, ...(end < total ? { NextToken: String(end) } : {}) };
}

function csv(result) {
  const quote = v => (v === null ? "" : `"${v.replaceAll('"', '""')}"`);
  return [result.columns, ...result.rows].map(row => row.map(quote).join(",")).join("\n") + "\n";
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", c => chunks.push(c));
  request.on("end", async () => {
    try {
      if (request.method === "GET") {
        const id = request.url.split("/").pop().replace(/\.csv$/, "");
        const text = csv(results.get(id));
        response.writeHead(200, { "Content-Type": "text/csv", "Content-Length": Buffer.byteLength(text) });
        response.end(text);
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const target = request.headers["x-amz-target"] ?? "";
      const answer = target.endsWith(".StartQueryExecution") ? await start(body)
        : target.endsWith(".GetQueryExecution") ? execution(body)
        : target.endsWith(".GetQueryResults") ? page(body)
        : null;
      if (answer === null) {
        response.writeHead(400, { "Content-Type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify({ __type: "InvalidRequestException", Message: `not in the reference: ${target}` }));
        return;
      }
      const text = JSON.stringify(answer);
      response.writeHead(200, { "Content-Type": "application/x-amz-json-1.1", "Content-Length": Buffer.byteLength(text) });
      response.end(text);
    } catch (error) {
      response.writeHead(400, { "Content-Type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify({ __type: "InvalidRequestException", Message: String(error) }));
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
