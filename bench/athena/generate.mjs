// Test data for bench/athena/run.sh, written by DuckDB (@duckdb/node-api): DAYS Hive partitions day=2026-11-DD of
// ROWS_PER_DAY rows each (Parquet, snappy, one file per day) under OUT/events/; and SMALL small JSON objects for the
// crawler (100 folders part=N/, a few records each) under OUT/small/. Usage: node generate.mjs OUT DAYS ROWS_PER_DAY SMALL
import { mkdirSync, writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";

const [out, daysText, rowsText, smallText] = process.argv.slice(2);
const days = Number(daysText), rows = Number(rowsText), small = Number(smallText);
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
for (let d = 1; d <= days; d++) {
  const day = `2026-11-${String(d).padStart(2, "0")}`;
  mkdirSync(`${out}/events/day=${day}`, { recursive: true });
  await connection.run(`COPY (SELECT i AS id, (i % 1000)::INTEGER AS user_id, ['books','games','music','toys','food'][(i % 5) + 1] AS category,
      (i % 9973) / 100.0 AS amount, 'session-' || (i % 50000) AS session
      FROM range(${(d - 1) * rows}, ${d * rows}) t(i)) TO '${out}/events/day=${day}/part-0.snappy.parquet' (FORMAT parquet, COMPRESSION snappy)`);
}
for (let n = 0; n < small; n++) {
  const dir = `${out}/small/part=${n % 100}`;
  mkdirSync(dir, { recursive: true });
  const lines = [0, 1, 2].map(k => JSON.stringify({ id: n * 3 + k, name: `n${n}`, value: k * 1.5, ok: k % 2 === 0 })).join("\n") + "\n";
  writeFileSync(`${dir}/object-${n}.json`, lines);
}
connection.closeSync();
instance.closeSync();
