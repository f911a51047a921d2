// What the secured kafkajs clients share (kafkajs_secure.mjs, ../msk-iam/kafkajs_oauthbearer.mjs): given a configured
// Kafka instance, create TOPIC, produce COUNT records (acks = -1), read them back with a consumer group, check every
// value, and print {"event":"done"}. Throws on any mismatch or client error. Imports nothing itself, so a script of
// another package directory can use it with its own kafkajs.
export async function produceAndConsume (kafka, topic, count, emit) {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const messages = []
  for (let i = 0; i < count; i++) messages.push({ key: `key-${i}`, value: `value-${i}` })
  await producer.send({ topic, acks: -1, messages })
  await producer.disconnect()
  emit({ event: 'produced', count })

  const consumer = kafka.consumer({ groupId: `${topic}-group` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = new Map()
  await new Promise((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.set(message.key.toString(), message.value.toString())
        if (seen.size >= count) resolve()
      },
    }).catch(reject)
  })
  await consumer.disconnect()
  await admin.disconnect()
  for (const [key, value] of seen) {
    if (value !== `value-${key.split('-')[1]}`) throw new Error(`record ${key} has value ${value}`)
  }
  emit({ event: 'done', ok: true, produced: count, consumed: seen.size })
}
