// @aws-sdk/client-kafkaconnect (JS SDK v3) against a running Tributary's MSK Connect API (REST-JSON, HTTP/1.1): the
// tag operations and the connector operations of a connector that was updated once (its capacity), as
// tests/Tributary.MskConnect.Tests sets it up.
// Usage: node mskconnect_js.mjs ENDPOINT_URL CONNECTOR_ARN WORKER_CONFIGURATION_ARN PLUGIN_ARN.
// Prints one line per check; exits 1 at the first failure.
import {
  KafkaConnectClient, TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand,
  ListConnectorOperationsCommand, DescribeConnectorOperationCommand,
} from "@aws-sdk/client-kafkaconnect";
import { check, done, fails, limitTime } from "./checks.mjs";

const [endpoint, connectorArn, workerConfigurationArn, pluginArn] = process.argv.slice(2);
limitTime();
const client = new KafkaConnectClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "tributary", secretAccessKey: "tributary" }, maxAttempts: 1 });
const tags = async (arn) => JSON.stringify(Object.entries((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {}).sort());

check(await tags(connectorArn) === "[]", "ListTagsForResource: the connector has no tags yet");
await client.send(new TagResourceCommand({ resourceArn: connectorArn, tags: { team: "data", env: "test" } }));
await client.send(new TagResourceCommand({ resourceArn: connectorArn, tags: { owner: "msk-tests" } }));
await client.send(new UntagResourceCommand({ resourceArn: connectorArn, tagKeys: ["env"] }));
check(await tags(connectorArn) === JSON.stringify([["owner", "msk-tests"], ["team", "data"]]), "TagResource and UntagResource on the connector");
await client.send(new TagResourceCommand({ resourceArn: workerConfigurationArn, tags: { format: "json" } }));
check(await tags(workerConfigurationArn) === JSON.stringify([["format", "json"]]), "TagResource on the worker configuration");
check(await tags(pluginArn) === "[]", "ListTagsForResource: the plugin has no tags");
const reserved = await fails(client.send(new TagResourceCommand({ resourceArn: connectorArn, tags: { "aws:owner": "x" } })));
check(reserved?.name === "BadRequestException" && /aws:owner/.test(reserved.message), "TagResource: an aws: key is BadRequestException");
const unknown = await fails(client.send(new ListTagsForResourceCommand({ resourceArn: connectorArn + "-none" })));
check(unknown?.name === "NotFoundException", "ListTagsForResource: an unknown ARN is NotFoundException");

const operations = (await client.send(new ListConnectorOperationsCommand({ connectorArn }))).connectorOperations;
check(operations.length === 1 && operations[0].connectorOperationType === "UPDATE_WORKER_SETTING"
  && operations[0].connectorOperationState === "UPDATE_COMPLETE" && operations[0].endTime instanceof Date, "ListConnectorOperations: the capacity update, complete");
const operation = await client.send(new DescribeConnectorOperationCommand({ connectorOperationArn: operations[0].connectorOperationArn }));
check(operation.connectorArn === connectorArn && operation.creationTime instanceof Date
  && operation.connectorOperationArn.startsWith(connectorArn.replace(":connector/", ":connector-operation/") + "/"), "DescribeConnectorOperation: the connector, the operation's ARN and times");
check(operation.originWorkerSetting.capacity.autoScaling.minWorkerCount === 2 && operation.targetWorkerSetting.capacity.provisionedCapacity.workerCount === 3
  && operation.targetWorkerSetting.capacity.provisionedCapacity.mcuCount === 2,
  "DescribeConnectorOperation: the capacity before and after");
check(JSON.stringify(operation.operationSteps.map((s) => s.stepType + ":" + s.stepState))
  === JSON.stringify(["INITIALIZE_UPDATE:COMPLETED", "UPDATE_WORKER_SETTING:COMPLETED", "VALIDATE_UPDATE:COMPLETED", "FINALIZE_UPDATE:COMPLETED"]), "DescribeConnectorOperation: the steps");
const missing = await fails(client.send(new DescribeConnectorOperationCommand({ connectorOperationArn: operations[0].connectorOperationArn + "x" })));
check(missing?.name === "NotFoundException", "DescribeConnectorOperation: an unknown ARN is NotFoundException");
done();
