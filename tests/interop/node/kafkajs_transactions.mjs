// Interop client: kafkajs 2.2.4 transactions.
//
//   node tests/interop/node/kafkajs_transactions.mjs BOOTSTRAP TOPIC GROUP
//
// Creates TOPIC (2 partitions). A transactional producer (transactionalId random, idempotent, maxInFlightRequests 1)
// commits 20 records c1-<n>, aborts 20 records a-<n>, and in a third transaction writes 20 records c2-<n> and
// sendOffsets for GROUP ({TOPIC, partition 0, offset 7}) before committing. Then a read_committed consumer
// (kafkajs's default isolation) and a read_uncommitted one (readUncommitted: true) read TOPIC from the beginning
// in their own groups until they have seen the expected counts or 20 s pass, and the admin client reads GROUP's
// committed offsets.
//
// Prints JSON lines: {"event":"read","isolation":...,"keys":[...]}, {"event":"committed","offsets":{...}}; the last
// is {"event":"done"}. Exit 0 when the run worked, 1 on any error, 2 on bad usage, 3 on the hard timeout
// (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
import { Kafka, logLevel } from 'kafkajs'

const timeoutSeconds = Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)
const emit = fields => console.log(JSON.stringify(fields))
setTimeout(() => { emit({ event: 'error', error: 'timeout', seconds: timeoutSeconds }); process.exit(3) }, timeoutSeconds * 1000)

const args = process.argv.slice(2)
if (args.length !== 3) {
  console.error('usage: kafkajs_transactions.mjs BOOTSTRAP TOPIC GROUP')
  process.exit(2)
}
const [bootstrap, topic, group] = args
const stderrLog = () => ({ namespace, label, log }) => console.error(JSON.stringify({ kafkajs: label, namespace, ...log }))

async function readAll (kafka, readUncommitted, expected) {
  const consumer = kafka.consumer({ groupId: `${group}-read-${readUncommitted ? 'u' : 'c'}`, readUncommitted })
  const keys = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => { keys.push(message.key.toString()) } })
  const deadline = Date.now() + 20000
  while (keys.length < expected && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  // A little longer, so records that should not be there have the chance to show up.
  await new Promise(resolve => setTimeout(resolve, 1000))
  await consumer.disconnect()
  return keys
}

async function main () {
  const kafka = new Kafka({ clientId: 'tributary-interop-kafkajs-txn', brokers: [bootstrap], logLevel: logLevel.ERROR, logCreator: stderrLog, retry: { retries: 5 } })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })
  const producer = kafka.producer({ transactionalId: `kafkajs-${Math.random().toString(36).slice(2)}`, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const batch = prefix => ({ topic, messages: Array.from({ length: 20 }, (_, n) => ({ key: `${prefix}-${n}`, value: 'v', partition: n % 2 })) })
  let txn = await producer.transaction()
  await txn.send(batch('c1'))
  await txn.commit()
  txn = await producer.transaction()
  await txn.send(batch('a'))
  await txn.abort()
  txn = await producer.transaction()
  await txn.send(batch('c2'))
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] })
  await txn.commit()
  await producer.disconnect()
  emit({ event: 'read', isolation: 'read_committed', keys: await readAll(kafka, false, 40) })
  emit({ event: 'read', isolation: 'read_uncommitted', keys: await readAll(kafka, true, 60) })
  const fetched = await admin.fetchOffsets({ groupId: group, topics: [topic] })
  const offsets = {}
  for (const t of fetched) for (const p of t.partitions) offsets[`${t.topic}-${p.partition}`] = Number(p.offset)
  emit({ event: 'committed', offsets })
  await admin.disconnect()
  emit({ event: 'done' })
  process.exit(0)
}

main().catch(e => { emit({ event: 'error', error: `${e.name}: ${e.message}` }); process.exit(1) })
