// Reads a Parquet file with DuckDB and prints what Tributary's format tests compare:
//   node duckdb_read.mjs rows FILE      one line per row: to_json(row), in file order
//   node duckdb_read.mjs metadata FILE  one JSON line per column chunk from parquet_metadata()
//   node duckdb_read.mjs schema FILE    one JSON line per schema element from parquet_schema()
//   node duckdb_read.mjs sql QUERY      one JSON line per result row (values as strings)
// Timestamps with time zone are rendered in UTC. Exits non-zero with DuckDB's message on any error.
// DuckDB uses one thread (tests run beside others on 2 cores) unless TRIBUTARY_DUCKDB_THREADS says otherwise
// (the benchmark sets it to the machine's core count).
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, arg] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: process.env.TRIBUTARY_DUCKDB_THREADS ?? '1' });
const c = await db.connect();
await c.run("SET TimeZone = 'UTC'");
const quoted = arg ? `'${arg.replaceAll("'", "''")}'` : '';
const stringify = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
let sql;
switch (mode) {
  case 'rows':
    sql = `SELECT to_json(t)::VARCHAR AS j FROM read_parquet(${quoted}) t`;
    break;
  case 'metadata':
    sql = `SELECT * FROM parquet_metadata(${quoted}) ORDER BY row_group_id, column_id`;
    break;
  case 'schema':
    sql = `SELECT * FROM parquet_schema(${quoted})`;
    break;
  case 'sql':
    sql = arg;
    break;
  default:
    console.error('usage: duckdb_read.mjs rows|metadata|schema FILE | sql QUERY');
    process.exit(2);
}
const reader = await c.runAndReadAll(sql);
const rows = reader.getRowObjects();
const out = [];
for (const row of rows) {
  if (mode === 'rows') {
    out.push(row.j);
  } else {
    const o = {};
    for (const [k, v] of Object.entries(row)) {
      o[k] = v === null ? null : typeof v === 'object' ? v.toString() : typeof v === 'bigint' ? v.toString() : v;
    }
    out.push(stringify(o));
  }
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
