using System.Text;
using Tributary.MskConnect.State;

namespace Tributary.MskConnect.Tests;

/// <summary>
/// Freezes the MSK Connect state file's format (version 1, docs/msk-connect-api.md): a document written by this
/// version reads back into the same values and is written again byte for byte the same; another version is refused.
/// </summary>
public sealed class MskConnectStateFormatTests
{
    private const string Version1 = """
        {
          "version": 1,
          "customPlugins": [
            {
              "arn": "arn:aws:kafkaconnect:us-east-1:000000000000:custom-plugin/dbz/1b2c-3",
              "name": "dbz",
              "creationTime": "2026-12-06T21:00:00.000Z",
              "state": "ACTIVE",
              "tags": {},
              "revisions": [
                {
                  "revision": 1,
                  "contentType": "ZIP",
                  "creationTime": "2026-12-06T21:00:00.000Z",
                  "bucketArn": "arn:aws:s3:::plugins",
                  "fileKey": "dbz.zip",
                  "fileMd5": "00112233445566778899aabbccddeeff",
                  "fileSize": 120,
                  "connectorClasses": [
                    "io.debezium.connector.mysql.MySqlConnector"
                  ]
                }
              ]
            }
          ],
          "workerConfigurations": [
            {
              "arn": "arn:aws:kafkaconnect:us-east-1:000000000000:worker-configuration/w/4d5e-6",
              "name": "w",
              "creationTime": "2026-12-06T21:00:01.000Z",
              "tags": {},
              "revisions": [
                {
                  "revision": 1,
                  "creationTime": "2026-12-06T21:00:01.000Z",
                  "propertiesFileContent": "a2V5LmNvbnZlcnRlcj14"
                }
              ]
            }
          ],
          "connectors": [
            {
              "arn": "arn:aws:kafkaconnect:us-east-1:000000000000:connector/c/7f8a-9",
              "name": "c",
              "id": "7f8a-9",
              "creationTime": "2026-12-06T21:00:02.000Z",
              "currentVersion": "ABCDEF01234567",
              "state": "FAILED",
              "stateDescription": {
                "code": "TASK_FAILED",
                "message": "boom"
              },
              "workerCount": 2,
              "spec": {
                "capacity": {
                  "autoScaling": {
                    "maxWorkerCount": 3,
                    "mcuCount": 1,
                    "minWorkerCount": 2,
                    "scaleInPolicy": {
                      "cpuUtilizationPercentage": 20
                    },
                    "scaleOutPolicy": {
                      "cpuUtilizationPercentage": 80
                    }
                  }
                },
                "connectorConfiguration": {
                  "connector.class": "io.confluent.kafka.connect.datagen.DatagenConnector"
                },
                "connectorName": "c",
                "kafkaCluster": {
                  "apacheKafkaCluster": {
                    "bootstrapServers": "127.0.0.1:9092"
                  }
                },
                "kafkaConnectVersion": "3.7.x",
                "plugins": [
                  {
                    "customPlugin": {
                      "customPluginArn": "arn:aws:kafkaconnect:us-east-1:000000000000:custom-plugin/dbz/1b2c-3",
                      "revision": 1
                    }
                  }
                ],
                "workerConfiguration": {
                  "revision": 1,
                  "workerConfigurationArn": "arn:aws:kafkaconnect:us-east-1:000000000000:worker-configuration/w/4d5e-6"
                },
                "tags": {
                  "team": "data"
                }
              },
              "operations": [
                {
                  "arn": "arn:aws:kafkaconnect:us-east-1:000000000000:connector-operation/c/7f8a-9/0a1b",
                  "type": "UPDATE_CONNECTOR_CONFIGURATION",
                  "state": "UPDATE_FAILED",
                  "creationTime": "2026-12-06T21:00:03.000Z",
                  "endTime": "2026-12-06T21:00:09.000Z",
                  "originConfiguration": {
                    "connector.class": "io.confluent.kafka.connect.datagen.DatagenConnector"
                  },
                  "targetConfiguration": {
                    "connector.class": "io.confluent.kafka.connect.datagen.DatagenConnector",
                    "quickstart": "nope"
                  },
                  "errorInfo": {
                    "code": "TASK_FAILED",
                    "message": "boom"
                  }
                }
              ]
            }
          ]
        }
        """;

    [Fact]
    public void Version1ReadsBackAndIsWrittenTheSame()
    {
        var state = MskConnectStateFile.Deserialize(Encoding.UTF8.GetBytes(Version1))!;
        var connector = Assert.Single(state.Connectors);
        Assert.Equal(2, connector.WorkerCount);
        Assert.Equal("TASK_FAILED", connector.StateDescription!.Code);
        Assert.Equal(3, connector.Spec.Capacity!.AutoScaling!.MaxWorkerCount);
        Assert.Equal("data", connector.Spec.Tags!["team"]);
        Assert.Equal("UPDATE_FAILED", Assert.Single(connector.Operations!).State);
        Assert.Equal("io.debezium.connector.mysql.MySqlConnector", Assert.Single(Assert.Single(state.CustomPlugins).Revisions[0].ConnectorClasses));
        Assert.Equal(Version1.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(state.Serialize()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void AnotherVersionIsRefused()
    {
        var path = Path.Combine(Path.GetTempPath(), "mskc-state-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{"version": 2}""");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => MskConnectStateFile.Load(path));
            Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
