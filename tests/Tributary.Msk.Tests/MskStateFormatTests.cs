using System.Text;
using Tributary.Msk.State;

namespace Tributary.Msk.Tests;

/// <summary>
/// The MSK state file is a frozen format (docs/formats/msk-state.md): this test fails if an existing member's name,
/// spelling or encoding changes. A new version is a deliberate edit here, in the document and in MskStateFile.
/// </summary>
public sealed class MskStateFormatTests
{
    private const string Version1 = """
        {
          "version": 1,
          "cluster": {
            "arn": "arn:aws:kafka:us-east-1:000000000000:cluster/tributary/3f1c8e52-4b1a-4c55-9d7e-0a2f6e1b9c44",
            "name": "tributary",
            "creationTime": "2026-12-06T20:00:00.000Z",
            "currentVersion": "K3AEGXETSR30VB",
            "configurationArn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
            "configurationRevision": 2,
            "tags": {
              "team": "data"
            }
          },
          "configurations": [
            {
              "arn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
              "name": "small",
              "description": "small messages",
              "kafkaVersions": [
                "3.9.x"
              ],
              "creationTime": "2026-12-06T20:01:00.000Z",
              "tags": {},
              "revisions": [
                {
                  "revision": 1,
                  "creationTime": "2026-12-06T20:01:00.000Z",
                  "description": "small messages",
                  "serverProperties": "bWVzc2FnZS5tYXguYnl0ZXM9MjAwMAo="
                },
                {
                  "revision": 2,
                  "creationTime": "2026-12-06T20:02:00.000Z",
                  "serverProperties": "bWVzc2FnZS5tYXguYnl0ZXM9NDAwMAo="
                }
              ]
            }
          ],
          "operations": [
            {
              "arn": "arn:aws:kafka:us-east-1:000000000000:cluster-operation/tributary/3f1c8e52-4b1a-4c55-9d7e-0a2f6e1b9c44/op",
              "type": "UPDATE_CLUSTER_CONFIGURATION",
              "state": "UPDATE_COMPLETE",
              "creationTime": "2026-12-06T20:03:00.000Z",
              "endTime": "2026-12-06T20:03:00.010Z",
              "targetConfigurationArn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
              "targetConfigurationRevision": 2
            }
          ]
        }
        """;

    private const string Version2 = """
        {
          "version": 2,
          "cluster": {
            "arn": "arn:aws:kafka:us-east-1:000000000000:cluster/tributary/3f1c8e52-4b1a-4c55-9d7e-0a2f6e1b9c44",
            "name": "tributary",
            "creationTime": "2026-12-06T20:00:00.000Z",
            "currentVersion": "K3AEGXETSR30VB",
            "configurationArn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
            "configurationRevision": 2,
            "tags": {
              "team": "data"
            }
          },
          "createdClusters": [
            {
              "arn": "arn:aws:kafka:us-east-1:000000000000:cluster/team-b/6b0e2d9a-1c3f-4e8b-a7d2-5f9c0e4b1a77",
              "name": "team-b",
              "creationTime": "2026-12-06T20:04:00.000Z",
              "currentVersion": "M2XQ7RTV0PLK4A",
              "configurationArn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
              "configurationRevision": 1,
              "tags": {},
              "state": "ACTIVE",
              "port": 40123,
              "kafkaVersion": "3.9.x",
              "instanceType": "kafka.t3.small"
            },
            {
              "arn": "arn:aws:kafka:us-east-1:000000000000:cluster/team-c/0d6a4f2e-9b7c-4c1d-8e3a-2f5b6c7d8e9f",
              "name": "team-c",
              "creationTime": "2026-12-06T20:05:00.000Z",
              "currentVersion": "Q8W3ERT5YU7IOP",
              "tags": {},
              "state": "FAILED",
              "stateMessage": "cannot open data directory /data/__cluster/msk-clusters/0d6a4f2e: disk full",
              "kafkaVersion": "3.9.x",
              "instanceType": "kafka.m5.large"
            }
          ],
          "configurations": [
            {
              "arn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
              "name": "small",
              "description": "small messages",
              "kafkaVersions": [
                "3.9.x"
              ],
              "creationTime": "2026-12-06T20:01:00.000Z",
              "tags": {},
              "revisions": [
                {
                  "revision": 1,
                  "creationTime": "2026-12-06T20:01:00.000Z",
                  "description": "small messages",
                  "serverProperties": "bWVzc2FnZS5tYXguYnl0ZXM9MjAwMAo="
                },
                {
                  "revision": 2,
                  "creationTime": "2026-12-06T20:02:00.000Z",
                  "serverProperties": "bWVzc2FnZS5tYXguYnl0ZXM9NDAwMAo="
                }
              ]
            }
          ],
          "operations": [
            {
              "arn": "arn:aws:kafka:us-east-1:000000000000:cluster-operation/tributary/3f1c8e52-4b1a-4c55-9d7e-0a2f6e1b9c44/op",
              "type": "UPDATE_CLUSTER_CONFIGURATION",
              "state": "UPDATE_COMPLETE",
              "creationTime": "2026-12-06T20:03:00.000Z",
              "endTime": "2026-12-06T20:03:00.010Z",
              "targetConfigurationArn": "arn:aws:kafka:us-east-1:000000000000:configuration/small/8a0f-1",
              "targetConfigurationRevision": 2
            }
          ]
        }
        """;

    [Fact]
    public void Version_2_reads_and_writes_byte_for_byte()
    {
        var state = MskStateFile.Deserialize(Encoding.UTF8.GetBytes(Version2));
        Assert.Equal(2, state.Version);
        Assert.Equal("K3AEGXETSR30VB", state.Cluster!.CurrentVersion);
        Assert.Equal(2, state.Cluster.ConfigurationRevision);
        Assert.Null(state.Cluster.State);
        Assert.Equal(40123, state.CreatedClusters[0].Port);
        Assert.Equal("FAILED", state.CreatedClusters[1].State);
        Assert.Null(state.CreatedClusters[1].Port);
        var revision = state.Configurations[0].Revisions[1];
        Assert.Equal("message.max.bytes=4000\n", Encoding.UTF8.GetString(revision.ServerProperties));
        Assert.Null(revision.Description);
        Assert.Equal(Version2.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(state.Serialize()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Version_1_is_read_as_version_2_without_created_clusters()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, MskStateFile.FileName);
        File.WriteAllText(path, Version1);
        var state = MskStateFile.Load(path)!;
        Assert.Equal(2, state.Version);
        Assert.Empty(state.CreatedClusters);
        var written = Encoding.UTF8.GetString(state.Serialize()).ReplaceLineEndings("\n");
        Assert.Equal(Version1.Replace("\"version\": 1,", "\"version\": 2,", StringComparison.Ordinal).Replace("""
              },
              "configurations": [
            """, """
              },
              "createdClusters": [],
              "configurations": [
            """, StringComparison.Ordinal).ReplaceLineEndings("\n"), written);
    }

    [Fact]
    public void Another_version_is_refused()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, MskStateFile.FileName);
        File.WriteAllText(path, Version2.Replace("\"version\": 2", "\"version\": 3", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => MskStateFile.Load(path));
        Assert.Contains("version 3", error.Message, StringComparison.Ordinal);
    }
}
