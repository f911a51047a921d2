// Reads a Parquet file with hyparquet and prints one JSON line per row, in file order.
//   node hyparquet_read.mjs FILE
// Values are printed without loss where JSON allows: INT64 as bare integers, timestamps as
// "ts:<raw count of the column's unit>", dates as "date:<days since epoch>", byte arrays without a
// string annotation as "hex:<bytes>", NaN/Infinity as strings. DECIMAL comes out as hyparquet's
// JavaScript number (it converts decimals to doubles). gzip and zstd come from hyparquet-compressors.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const file = await asyncBufferFromFile(process.argv[2]);
const parsers = {
  timestampFromMilliseconds: (v) => `ts:${v}`,
  timestampFromMicroseconds: (v) => `ts:${v}`,
  timestampFromNanoseconds: (v) => `ts:${v}`,
  dateFromDays: (v) => `date:${v}`,
  stringFromBytes: (b) => b && new TextDecoder().decode(b),
  jsonFromBytes: (b) => b && new TextDecoder().decode(b),
};
const metadata = await parquetMetadataAsync(file);
const rows = await parquetReadObjects({ file, metadata, compressors, parsers, utf8: false });
const BIG = '\u0000big:';
const replacer = (_, v) => {
  if (typeof v === 'bigint') return BIG + v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v instanceof Uint8Array) return 'hex:' + Buffer.from(v).toString('hex');
  return v;
};
const lines = rows.map((r) => JSON.stringify(r, replacer).replace(/"\\u0000big:(-?\d+)"/g, '$1'));
process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
