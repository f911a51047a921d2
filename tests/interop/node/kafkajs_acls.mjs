// Interop client: kafkajs 2.2.4's ACL admin API (CreateAcls / DescribeAcls / DeleteAcls v0-1) and what the ACLs do to
// another user's produce and consume, over SASL_PLAINTEXT with SCRAM-SHA-256.
//
//   node tests/interop/node/kafkajs_acls.mjs BOOTSTRAP ADMIN ADMIN_PASSWORD USER USER_PASSWORD TOPIC
//
// As ADMIN (a super user): creates TOPIC. As USER: a produce that must be refused (no ACL). As ADMIN: creates WRITE
// on TOPIC, READ on topics prefixed TOPIC and READ on the group TOPIC-group for User:USER, and describes them. As USER:
// produces and consumes with that group. As ADMIN: deletes the WRITE ACL. As USER: a produce that must be refused again.
// Prints JSON lines; the last is {"event":"done"}. Exits 0 only if every step went as described, 1 otherwise, 2 on bad
// usage, 3 on the hard timeout (TRIBUTARY_INTEROP_TIMEOUT, default 120 s).
import { createRequire } from 'node:module'
import kafkajs from 'kafkajs'

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } = kafkajs
const require = createRequire(import.meta.url)
const timeoutSeconds = Number(process.env.TRIBUTARY_INTEROP_TIMEOUT ?? 120)
const emit = fields => console.log(JSON.stringify(fields))
setTimeout(() => { emit({ event: 'error', error: 'timeout', seconds: timeoutSeconds }); process.exit(3) }, timeoutSeconds * 1000)

const args = process.argv.slice(2)
if (args.length !== 6) {
  console.error('usage: kafkajs_acls.mjs BOOTSTRAP ADMIN ADMIN_PASSWORD USER USER_PASSWORD TOPIC')
  process.exit(2)
}
const [bootstrap, adminUser, adminPassword, user, userPassword, topic] = args
const group = `${topic}-group`
const stderrLog = () => ({ namespace, label, log }) => console.error(JSON.stringify({ kafkajs: label, namespace, ...log }))
const client = (username, password) => new Kafka({
  clientId: `tributary-interop-acls-${username}`,
  brokers: [bootstrap],
  sasl: { mechanism: 'scram-sha-256', username, password },
  logLevel: logLevel.NOTHING,
  logCreator: stderrLog,
  retry: { retries: 0 },
})

async function produceAs (kafka, value) {
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } })
  await producer.connect()
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] })
    return null
  } catch (error) {
    // kafkajs wraps the broker's error when it gives up retrying: the protocol error is the cause.
    return error.type ?? error.cause?.type ?? `${error.name}: ${error.message}`
  } finally {
    await producer.disconnect()
  }
}

const binding = (resourceType, resourceName, resourcePatternType, operation) => ({
  resourceType, resourceName, resourcePatternType, principal: `User:${user}`, host: '*', operation, permissionType: AclPermissionTypes.ALLOW,
})

async function main () {
  emit({ event: 'start', client: 'kafkajs', version: require('kafkajs/package.json').version, bootstrap })
  const admin = client(adminUser, adminPassword).admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
  const userKafka = client(user, userPassword)

  const before = await produceAs(userKafka, 'refused')
  emit({ event: 'produce-before-acls', error: before })
  if (before !== 'TOPIC_AUTHORIZATION_FAILED') throw new Error(`expected TOPIC_AUTHORIZATION_FAILED before any ACL, got ${before}`)

  await admin.createAcls({
    acl: [
      binding(AclResourceTypes.TOPIC, topic, ResourcePatternTypes.LITERAL, AclOperationTypes.WRITE),
      binding(AclResourceTypes.TOPIC, topic, ResourcePatternTypes.PREFIXED, AclOperationTypes.READ),
      binding(AclResourceTypes.GROUP, group, ResourcePatternTypes.LITERAL, AclOperationTypes.READ),
    ],
  })
  const described = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
  })
  const listed = described.resources.flatMap(r => r.acls.map(a => `${r.resourceType}:${r.resourceName}:${r.resourcePatternType}:${a.principal}:${a.operation}:${a.permissionType}`)).sort()
  emit({ event: 'described', acls: listed })
  if (listed.length !== 3) throw new Error(`expected 3 ACLs, described ${listed.length}`)

  const after = await produceAs(userKafka, 'allowed')
  emit({ event: 'produce-with-acl', error: after })
  if (after !== null) throw new Error(`produce with a WRITE ACL failed: ${after}`)

  const consumer = userKafka.consumer({ groupId: group })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const value = await new Promise((resolve, reject) => {
    consumer.run({ eachMessage: async ({ message }) => resolve(message.value.toString()) }).catch(reject)
  })
  await consumer.disconnect()
  emit({ event: 'consumed', value })
  if (value !== 'allowed') throw new Error(`consumed ${value}`)

  const deleted = await admin.deleteAcls({
    filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, principal: `User:${user}`, host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW }],
  })
  const matching = deleted.filterResponses.flatMap(f => f.matchingAcls)
  emit({ event: 'deleted', count: matching.length, errors: deleted.filterResponses.map(f => f.errorCode) })
  if (matching.length !== 1) throw new Error(`expected to delete 1 ACL, deleted ${matching.length}`)

  const again = await produceAs(userKafka, 'refused-again')
  emit({ event: 'produce-after-delete', error: again })
  if (again !== 'TOPIC_AUTHORIZATION_FAILED') throw new Error(`expected TOPIC_AUTHORIZATION_FAILED after deleting the ACL, got ${again}`)
  await admin.disconnect()
  emit({ event: 'done', ok: true })
}

main().then(() => process.exit(0), error => { emit({ event: 'error', error: `${error.name}: ${error.message}` }); process.exit(1) })
