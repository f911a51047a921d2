// @aws-sdk/client-kafka (JS SDK v3) against a running Tributary's MSK API (REST-JSON, HTTP/1.1).
// Usage: node msk_js.mjs ENDPOINT_URL. Prints one line per check; exits 1 at the first failure.
import {
  KafkaClient, ListClustersV2Command, DescribeClusterCommand, GetBootstrapBrokersCommand, ListNodesCommand,
  ListKafkaVersionsCommand, CreateConfigurationCommand, UpdateConfigurationCommand, ListConfigurationRevisionsCommand,
  DescribeConfigurationRevisionCommand, DeleteConfigurationCommand, TagResourceCommand, ListTagsForResourceCommand,
  DescribeConfigurationCommand,
} from "@aws-sdk/client-kafka";
import { check, done, fails, limitTime } from "./checks.mjs";

const endpoint = process.argv[2];
limitTime();
const client = new KafkaClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "tributary", secretAccessKey: "tributary" }, maxAttempts: 1 });

const clusters = (await client.send(new ListClustersV2Command({}))).ClusterInfoList;
check(clusters.length === 1 && clusters[0].State === "ACTIVE" && clusters[0].Provisioned.NumberOfBrokerNodes === 1, "ListClustersV2: one ACTIVE cluster");
const arn = clusters[0].ClusterArn;
const info = (await client.send(new DescribeClusterCommand({ ClusterArn: arn }))).ClusterInfo;
check(info.ClusterArn === arn && info.CreationTime instanceof Date && info.CurrentBrokerSoftwareInfo.KafkaVersion.length > 0, "DescribeCluster parses (timestamps as dates)");
const bootstrap = (await client.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }))).BootstrapBrokerString;
check(/^[^:]+:\d+$/.test(bootstrap), "GetBootstrapBrokers: " + bootstrap);
const nodes = (await client.send(new ListNodesCommand({ ClusterArn: arn }))).NodeInfoList;
check(nodes.length === 1 && nodes[0].NodeType === "BROKER" && bootstrap.startsWith(nodes[0].BrokerNodeInfo.Endpoints[0]), "ListNodes: the broker and its endpoint");
const versions = (await client.send(new ListKafkaVersionsCommand({}))).KafkaVersions;
check(versions.some((v) => v.Version === info.CurrentBrokerSoftwareInfo.KafkaVersion && v.Status === "ACTIVE"), "ListKafkaVersions lists the cluster's version");

const name = "js-" + Math.random().toString(36).slice(2, 10);
const created = await client.send(new CreateConfigurationCommand({ Name: name, ServerProperties: new TextEncoder().encode("log.retention.hours=24\n") }));
check(created.LatestRevision.Revision === 1 && created.State === "ACTIVE", "CreateConfiguration");
const updated = await client.send(new UpdateConfigurationCommand({ Arn: created.Arn, ServerProperties: new TextEncoder().encode("log.retention.hours=12\n"), Description: "shorter" }));
check(updated.LatestRevision.Revision === 2, "UpdateConfiguration makes revision 2");
const revisions = (await client.send(new ListConfigurationRevisionsCommand({ Arn: created.Arn }))).Revisions;
check(revisions.map((r) => r.Revision).join(",") === "1,2", "ListConfigurationRevisions");
const second = await client.send(new DescribeConfigurationRevisionCommand({ Arn: created.Arn, Revision: 2 }));
check(new TextDecoder().decode(second.ServerProperties) === "log.retention.hours=12\n" && second.Description === "shorter", "DescribeConfigurationRevision returns the properties as bytes");
await client.send(new TagResourceCommand({ ResourceArn: created.Arn, Tags: { owner: "js" } }));
check((await client.send(new ListTagsForResourceCommand({ ResourceArn: created.Arn }))).Tags.owner === "js", "tags on a configuration");

const missing = await fails(client.send(new DescribeClusterCommand({ ClusterArn: arn + "-missing" })));
check(missing?.name === "NotFoundException" && missing.$metadata.httpStatusCode === 404 && missing.message.includes("does not exist"), "unknown cluster: NotFoundException (404)");
const bad = await fails(client.send(new CreateConfigurationCommand({ Name: name + "-bad", ServerProperties: new TextEncoder().encode("no.such.thing=1\n") })));
check(bad?.name === "BadRequestException" && bad.$metadata.httpStatusCode === 400 && bad.InvalidParameter === "serverProperties", "unsupported property: BadRequestException with InvalidParameter");
const taken = await fails(client.send(new CreateConfigurationCommand({ Name: name, ServerProperties: new TextEncoder().encode("num.partitions=1\n") })));
check(taken?.name === "ConflictException" && taken.$metadata.httpStatusCode === 409, "a taken name: ConflictException (409)");

const deleted = await client.send(new DeleteConfigurationCommand({ Arn: created.Arn }));
check(deleted.State === "DELETING", "DeleteConfiguration");
const gone = await fails(client.send(new DescribeConfigurationCommand({ Arn: created.Arn })));
check(gone?.name === "NotFoundException", "a deleted configuration is not found");
done();
