// Interop client: kafkajs 2.2.4 against a secured listener (SASL SCRAM, optionally over TLS).
//
//   node tests/interop/node/kafkajs_secure.mjs BOOTSTRAP TOPIC COUNT MECHANISM USER PASSWORD [CA_FILE]
//
// MECHANISM is scram-sha-256, scram-sha-512 or plain (kafkajs' names). With CA_FILE the connection uses TLS and trusts
// that CA. Creates TOPIC, produces COUNT records (acks = -1), reads them back with a consumer group and checks every
// value. Prints JSON lines; the last is {"event":"done"}. Exits 0 only if everything matched, 1 on any error
// (authentication failures included), 2 on bad usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Kafka, logLevel } from 'kafkajs'
import { produceAndConsume } from './kafkajs_produce_consume.mjs'

const require = createRequire(import.meta.url)
const timeoutSeconds = Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)
const emit = fields => console.log(JSON.stringify(fields))
setTimeout(() => { emit({ event: 'error', error: 'timeout', seconds: timeoutSeconds }); process.exit(3) }, timeoutSeconds * 1000)

const args = process.argv.slice(2)
if (args.length < 6 || args.length > 7) {
  console.error('usage: kafkajs_secure.mjs BOOTSTRAP TOPIC COUNT MECHANISM USER PASSWORD [CA_FILE]')
  process.exit(2)
}
const [bootstrap, topic, countText, mechanism, username, password, caFile] = args
const count = Number(countText)
const stderrLog = () => ({ namespace, label, log }) => console.error(JSON.stringify({ kafkajs: label, namespace, ...log }))

async function main () {
  emit({ event: 'start', client: 'kafkajs', version: require('kafkajs/package.json').version, bootstrap, mechanism, tls: Boolean(caFile) })
  const kafka = new Kafka({
    clientId: 'tributary-interop-kafkajs-secure',
    brokers: [bootstrap],
    ssl: caFile ? { ca: [readFileSync(caFile, 'utf8')] } : false,
    sasl: { mechanism, username, password },
    logLevel: logLevel.ERROR,
    logCreator: stderrLog,
    retry: { retries: 1 },
  })
  await produceAndConsume(kafka, topic, count, emit)
}

main().then(() => process.exit(0), error => { emit({ event: 'error', error: `${error.name}: ${error.message}` }); process.exit(1) })
