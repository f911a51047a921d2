// Interop client: kafkajs 2.2.4 with SASL/OAUTHBEARER through its oauthBearerProvider.
//
//   node tests/interop/msk-iam/kafkajs_oauthbearer.mjs BOOTSTRAP TOPIC COUNT TOKEN_SOURCE [CA_FILE]
//
// TOKEN_SOURCE is "jwt:TOKEN" (the token as given, e.g. a JWT the test signed) or "msk-iam:REGION" (a token from AWS's
// signer, aws-msk-iam-sasl-signer-js generateAuthToken, with the credentials of AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY). With CA_FILE the connection uses TLS and trusts that CA. Creates TOPIC, produces COUNT
// records (acks = -1), reads them back with a consumer group and checks every value. Prints JSON lines; the last is
// {"event":"done"}. Exits 0 only if everything matched, 1 on any error (authentication failures included), 2 on bad
// usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Kafka, logLevel } from 'kafkajs'
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js'
import { produceAndConsume } from '../node/kafkajs_produce_consume.mjs'

const require = createRequire(import.meta.url)
const timeoutSeconds = Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)
const emit = fields => console.log(JSON.stringify(fields))
setTimeout(() => { emit({ event: 'error', error: 'timeout', seconds: timeoutSeconds }); process.exit(3) }, timeoutSeconds * 1000)

const args = process.argv.slice(2)
if (args.length < 4 || args.length > 5 || !/^(jwt|msk-iam):/.test(args[3])) {
  console.error('usage: kafkajs_oauthbearer.mjs BOOTSTRAP TOPIC COUNT (jwt:TOKEN|msk-iam:REGION) [CA_FILE]')
  process.exit(2)
}
const [bootstrap, topic, countText, tokenSource, caFile] = args
const count = Number(countText)
const [kind, argument] = [tokenSource.slice(0, tokenSource.indexOf(':')), tokenSource.slice(tokenSource.indexOf(':') + 1)]
const stderrLog = () => ({ namespace, label, log }) => console.error(JSON.stringify({ kafkajs: label, namespace, ...log }))

async function oauthBearerProvider () {
  if (kind === 'jwt') return { value: argument }
  const { token } = await generateAuthToken({ region: argument })
  return { value: token }
}

async function main () {
  emit({ event: 'start', client: 'kafkajs', version: require('kafkajs/package.json').version, signer: require('aws-msk-iam-sasl-signer-js/package.json').version, bootstrap, kind, tls: Boolean(caFile) })
  const kafka = new Kafka({
    clientId: 'tributary-interop-kafkajs-oauthbearer',
    brokers: [bootstrap],
    ssl: caFile ? { ca: [readFileSync(caFile, 'utf8')] } : false,
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider },
    logLevel: logLevel.ERROR,
    logCreator: stderrLog,
    retry: { retries: 1 },
  })
  await produceAndConsume(kafka, topic, count, emit)
}

main().then(() => process.exit(0), error => { emit({ event: 'error', error: `${error.name}: ${error.message}` }); process.exit(1) })
