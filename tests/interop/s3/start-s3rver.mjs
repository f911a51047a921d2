// Starts s3rver (a real S3-compatible server) for Tributary.Delivery.Tests on 127.0.0.1 and a free port.
// Usage: node start-s3rver.mjs DATA_DIRECTORY REQUEST_LOG [PORT]
// PORT (default 0, a free port) lets a test restart the server where its clients expect it, on the same data.
// Prints one JSON line {"port": N} once listening; appends "METHOD URL" for every request to REQUEST_LOG (the tests
// read it to see multipart uploads and retried requests). Exits when stdin closes, so it never outlives its test.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');

const [directory, requestLog, requestedPort] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: Number(requestedPort ?? 0), directory, silent: true });
const { port } = await server.run();
server.httpServer.prependListener('request', (request) => {
  appendFileSync(requestLog, `${request.method} ${request.url}\n`);
});
process.stdout.write(JSON.stringify({ port }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
