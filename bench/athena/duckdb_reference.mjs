// DuckDB's own engine (@duckdb/node-api, the npm package in tests/interop/formats-node) running queries on files, best
// of REPS wall times per query, all result rows materialised, a new in-memory database per run. bench/athena/run.sh uses
// it for the crawler's reference (DESCRIBE of read_json over the crawled files); the queries' reference is
// reference_server.mjs. Usage: node duckdb_reference.mjs QUERIES.json REPS → one JSON object per query on stdout.
import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";

const [queriesFile, repsText] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(queriesFile, "utf8"));
const reps = Number(repsText);
for (const query of queries) {
  let best = Infinity;
  let rows = 0;
  for (let i = 0; i < reps; i++) {
    const started = process.hrtime.bigint();
    // A new in-memory database per run.
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(query.reference);
    rows = reader.getRowObjectsJS().length;
    connection.closeSync();
    instance.closeSync();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  console.log(JSON.stringify({ name: query.name, ms: best, rows }));
}
