// Interop client: kafkajs 2.2.4 (pure JavaScript).
//
//   node tests/interop/node/kafkajs_roundtrip.mjs BOOTSTRAP TOPIC COUNT [--consume]
//
// Without --consume: creates TOPIC (admin.createTopics, 1 partition; an existing topic is fine),
// reads its offsets with admin.fetchTopicOffsets, produces COUNT records with keys and headers
// (acks = -1) and checks that the summed end offsets grew by exactly COUNT.
//
// With --consume it also reads the records back with a kafkajs Consumer in a group (eachMessage, manual
// commits: autoCommit off, commitOffsets after each record) and checks key, value and headers; then the
// admin client checks the group's committed offsets (fetchOffsets) equal the end offsets, lists and
// describes the group, deletes it (deleteGroups) and checks it is gone.
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
    const groupId = `tributary-interop-${topic}`
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen = new Set()
    const errors = []
    await new Promise((resolve, reject) => {
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic: t, partition, message }) => {
          const i = Number(message.key.toString().split('-')[1])
          const exp = expected(i)
          const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.toString()]))
          if (message.value.toString() !== exp.value || JSON.stringify(headers) !== JSON.stringify(exp.headers)) errors.push(`record ${i} differs`)
          if (seen.has(i)) errors.push(`duplicate ${i}`)
          seen.add(i)
          await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }])
          if (seen.size === count) resolve()
        }
      }).catch(reject)
    })
    await consumer.disconnect()
    emit({ event: 'consumed', records: seen.size })
    if (errors.length) throw new Error(errors.slice(0, 20).join('; '))

    const groupAdmin = kafka.admin()
    await groupAdmin.connect()
    const committed = await groupAdmin.fetchOffsets({ groupId, topics: [topic] })
    const ends = await groupAdmin.fetchTopicOffsets(topic)
    emit({ event: 'committed', committed, ends })
    for (const p of ends) {
      const c = committed[0].partitions.find(x => x.partition === p.partition)
      if (!c || c.offset !== p.high) throw new Error(`partition ${p.partition}: committed ${c?.offset}, end ${p.high}`)
    }
    const listed = await groupAdmin.listGroups()
    const described = await groupAdmin.describeGroups([groupId])
    emit({ event: 'groups', listed: listed.groups.map(g => g.groupId), described: described.groups.map(g => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType })) })
    if (!listed.groups.some(g => g.groupId === groupId)) throw new Error('group not listed')
    if (described.groups[0].state !== 'Empty') throw new Error(`group state ${described.groups[0].state}, expected Empty`)
    const deleted = await groupAdmin.deleteGroups([groupId])
    const after = await groupAdmin.listGroups()
    emit({ event: 'deleted', deleted, listedAfter: after.groups.map(g => g.groupId) })
    if (after.groups.some(g => g.groupId === groupId)) throw new Error('group still listed after deleteGroups')
    const gone = await groupAdmin.fetchOffsets({ groupId, topics: [topic] })
    if (gone[0].partitions.some(p => p.offset !== '-1')) throw new Error(`offsets survived the delete: ${JSON.stringify(gone)}`)
    await groupAdmin.disconnect()
  }
  emit({ event: 'done', ok: true, produced: count, consumed: consume ? count : null })
}

main().then(() => process.exit(0), error => { emit({ event: 'error', error: String(error?.stack ?? error) }); process.exit(1) })
