// Interop client: kafkajs 2.2.4 (pure JavaScript).
//
//   node tests/interop/node/kafkajs_roundtrip.mjs BOOTSTRAP TOPIC COUNT [--consume]
//
// Without --consume: creates TOPIC (admin.createTopics, 1 partition; an existing topic is fine),
// reads its offsets with admin.fetchTopicOffsets, produces COUNT records with keys and headers
// (acks = -1) and checks that the summed end offsets grew by exactly COUNT.
//
// With --consume it also reads the records back with a kafkajs Consumer and checks key, value and
// headers. kafkajs consumers always join a consumer group (there is no assign()), so this part
// REQUIRES GROUP SUPPORT in the broker (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// OffsetFetch/OffsetCommit); the interop test passes --consume once groups land.
//
// Prints JSON lines ({"event": ...}); the last is {"event":"done"}. Exits 0 only if everything
// matched, 1 on any error, 2 on bad usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
import { createRequire } from 'node:module'
import { Kafka, logLevel } from 'kafkajs'

const require = createRequire(import.meta.url)
const timeoutSeconds = Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)
const emit = fields => console.log(JSON.stringify(fields))
setTimeout(() => { emit({ event: 'error', error: 'timeout', seconds: timeoutSeconds }); process.exit(3) }, timeoutSeconds * 1000)

const args = process.argv.slice(2)
const consume = args.includes('--consume')
const positional = args.filter(a => !a.startsWith('--'))
if (positional.length !== 3) {
  console.error('usage: kafkajs_roundtrip.mjs BOOTSTRAP TOPIC COUNT [--consume]')
  process.exit(2)
}
const [bootstrap, topic, countText] = positional
const count = Number(countText)
const expected = i => ({ key: `key-${i}`, value: `value-${i}`, headers: { seq: String(i), origin: 'kafkajs' } })
// kafkajs logs to stdout by default; keep stdout for this script's JSON lines.
const stderrLog = () => ({ namespace, label, log }) => console.error(JSON.stringify({ kafkajs: label, namespace, ...log }))
const sumOffsets = offsets => offsets.reduce((sum, p) => sum + BigInt(p.high), 0n)

async function main () {
  emit({ event: 'start', client: 'kafkajs', version: require('kafkajs/package.json').version, node: process.version, bootstrap, topic, count, consume })
  const kafka = new Kafka({ clientId: 'tributary-interop-kafkajs', brokers: [bootstrap], logLevel: logLevel.ERROR, logCreator: stderrLog, retry: { retries: 3 } })
  const admin = kafka.admin()
  await admin.connect()
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
  emit({ event: 'created', topic, created })
  const before = sumOffsets(await admin.fetchTopicOffsets(topic))

  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const started = Date.now()
  const batch = 1000
  for (let first = 0; first < count; first += batch) {
    const messages = []
    for (let i = first; i < Math.min(count, first + batch); i++) messages.push(expected(i))
    await producer.send({ topic, acks: -1, messages })
  }
  await producer.disconnect()
  const offsets = await admin.fetchTopicOffsets(topic)
  const after = sumOffsets(offsets)
  emit({ event: 'produced', count, ms: Date.now() - started, offsets })
  if (after - before !== BigInt(count)) throw new Error(`end offsets grew by ${after - before}, expected ${count}`)
  await admin.disconnect()

  if (consume) {
    // REQUIRES GROUPS: kafkajs has no group-less consumer.
    const consumer = kafka.consumer({ groupId: `tributary-interop-${topic}` })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen = new Set()
    const errors = []
    await new Promise((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          const i = Number(message.key.toString().split('-')[1])
          const exp = expected(i)
          const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.toString()]))
          if (message.value.toString() !== exp.value || JSON.stringify(headers) !== JSON.stringify(exp.headers)) errors.push(`record ${i} differs`)
          if (seen.has(i)) errors.push(`duplicate ${i}`)
          seen.add(i)
          if (seen.size === count) resolve()
        }
      }).catch(reject)
    })
    await consumer.disconnect()
    emit({ event: 'consumed', records: seen.size })
    if (errors.length) throw new Error(errors.slice(0, 20).join('; '))
  }
  emit({ event: 'done', ok: true, produced: count, consumed: consume ? count : null })
}

main().then(() => process.exit(0), error => { emit({ event: 'error', error: String(error?.stack ?? error) }); process.exit(1) })
