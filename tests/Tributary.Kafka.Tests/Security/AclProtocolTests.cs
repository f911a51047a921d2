using System.Text;
using Tributary.Kafka.Security;
using Tributary.Kafka.Security.Authorization;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Tests.Security;

/// <summary>
/// ACLs against raw frames: CreateAcls / DescribeAcls / DeleteAcls at v0 and v1+, their refusals, and enforcement per
/// Kafka's authorization table for principals authenticated with PLAIN (a super user, an ordinary user).
/// </summary>
public sealed class AclProtocolTests : IAsyncLifetime
{
    private const string Password = "secret";
    private readonly ScramCredentialStore _credentials = ScramCredentialStore.InMemory();
    private readonly AclStore _acls = AclStore.InMemory();
    private InProcessKafka _kafka = null!;

    private int SaslPort => _kafka.Server.Listeners.Single(l => l.Endpoint.Name == "SASL_PLAINTEXT").BoundPort;

    public async Task InitializeAsync()
    {
        foreach (var user in new[] { "admin", "bob" })
        {
            _credentials.Apply([], [(user, SaslMechanisms.ScramSha256, ScramTestClient.Credential(ScramFormatter.Sha256, Password))]);
        }
        _kafka = await InProcessKafka.StartAsync(listener: new KafkaListenerOptions
        {
            Listeners =
            [
                new KafkaListenerEndpoint("PLAINTEXT", SecurityProtocol.Plaintext, "127.0.0.1", 0),
                new KafkaListenerEndpoint("SASL_PLAINTEXT", SecurityProtocol.SaslPlaintext, "127.0.0.1", 0),
            ],
            Security = new KafkaSecurityOptions
            {
                Credentials = _credentials,
                Authorizer = new AclAuthorizer(_acls, new HashSet<string>(["User:admin"]), allowEveryoneIfNoAclFound: false),
            },
        });
    }

    public async Task DisposeAsync() => await _kafka.DisposeAsync();

    [Fact]
    public async Task Acls_are_created_described_and_deleted_with_literal_and_prefixed_patterns()
    {
        using var admin = await ConnectAsync("admin");
        var created = await admin.SendAsync<CreateAclsResponse>(new CreateAclsRequest
        {
            Creations =
            [
                Creation(AclResourceType.Topic, "orders", AclPatternType.Literal, "User:bob", AclOperation.Write, AclPermission.Allow),
                Creation(AclResourceType.Topic, "logs-", AclPatternType.Prefixed, "User:bob", AclOperation.Read, AclPermission.Allow),
                Creation(AclResourceType.Cluster, "not-the-cluster", AclPatternType.Literal, "User:bob", AclOperation.Alter, AclPermission.Allow),
                Creation(AclResourceType.Topic, "x", AclPatternType.Literal, "bob", AclOperation.Read, AclPermission.Allow),
            ],
        }, 30, 2);
        Assert.Equal([0, 0, 42, 42], created.Results.Select(r => r.ErrorCode));
        Assert.Contains("kafka-cluster", created.Results[2].ErrorMessage, StringComparison.Ordinal);

        var all = await admin.SendAsync<DescribeAclsResponse>(Filter(AclPatternType.Any), 29, 1);
        Assert.Equal(0, all.ErrorCode);
        Assert.Equal(["logs-/4", "orders/3"], all.Resources.Select(r => $"{r.ResourceName}/{r.PatternType}").Order());
        // v0 knows only literal patterns: the prefixed binding is not shown to it.
        var v0 = await admin.SendAsync<DescribeAclsResponse>(Filter(AclPatternType.Literal), 29, 0);
        Assert.Equal(["orders"], v0.Resources.Select(r => r.ResourceName));
        // MATCH: every binding that applies to the topic logs-app.
        var match = await admin.SendAsync<DescribeAclsResponse>(new DescribeAclsRequest
        {
            ResourceTypeFilter = (sbyte)AclResourceType.Topic,
            ResourceNameFilter = "logs-app",
            PatternTypeFilter = (sbyte)AclPatternType.Match,
            Operation = (sbyte)AclOperation.Any,
            PermissionType = (sbyte)AclPermission.Any,
            PrincipalFilter = null,
            HostFilter = null,
        }, 29, 3);
        Assert.Equal("logs-", Assert.Single(match.Resources).ResourceName);

        var deleted = await admin.SendAsync<DeleteAclsResponse>(new DeleteAclsRequest
        {
            Filters =
            [
                new DeleteAclsRequest.DeleteAclsFilter
                {
                    ResourceTypeFilter = (sbyte)AclResourceType.Topic,
                    ResourceNameFilter = null,
                    PatternTypeFilter = (sbyte)AclPatternType.Prefixed,
                    PrincipalFilter = null,
                    HostFilter = null,
                    Operation = (sbyte)AclOperation.Any,
                    PermissionType = (sbyte)AclPermission.Any,
                },
            ],
        }, 31, 1);
        var removed = Assert.Single(Assert.Single(deleted.FilterResults).MatchingAcls);
        Assert.Equal(("logs-", "User:bob", (sbyte)AclOperation.Read), (removed.ResourceName, removed.Principal, removed.Operation));
        Assert.Equal(["orders"], _acls.Bindings.Select(b => b.ResourceName));
    }

    [Fact]
    public async Task A_user_without_ACLs_is_refused_with_Kafkas_error_codes_and_Metadata_hides_the_topics()
    {
        _kafka.Broker.CreateTopic("secret-topic", 1, null);
        using var bob = await ConnectAsync("bob");
        var metadata = await bob.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 3, 9);
        Assert.DoesNotContain(metadata.Topics, t => t.Name == "secret-topic");
        var named = await bob.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "secret-topic" }] }, 3, 9);
        Assert.Equal(29, Assert.Single(named.Topics).ErrorCode);

        var produce = await bob.SendAsync<ProduceResponse>(ProduceOne("secret-topic"), 0, 7);
        Assert.Equal(29, produce.Responses[0].PartitionResponses[0].ErrorCode);
        var join = await bob.SendAsync<JoinGroupResponse>(new JoinGroupRequest { GroupId = "g", ProtocolType = "consumer", SessionTimeoutMs = 10000, RebalanceTimeoutMs = 10000 }, 11, 5);
        Assert.Equal(30, join.ErrorCode);
        var create = await bob.SendAsync<CreateAclsResponse>(new CreateAclsRequest { Creations = [Creation(AclResourceType.Topic, "t", AclPatternType.Literal, "User:bob", AclOperation.All, AclPermission.Allow)] }, 30, 1);
        Assert.Equal(31, Assert.Single(create.Results).ErrorCode);
        var describe = await bob.SendAsync<DescribeAclsResponse>(Filter(AclPatternType.Any), 29, 1);
        Assert.Equal(31, describe.ErrorCode);
        Assert.Empty(_acls.Bindings);
    }

    [Fact]
    public async Task An_allow_grants_the_operation_and_describe_and_a_deny_wins()
    {
        _kafka.Broker.CreateTopic("payments", 1, null);
        _acls.Add([
            new AclBinding(AclResourceType.Topic, "pay", AclPatternType.Prefixed, "User:bob", "*", AclOperation.Write, AclPermission.Allow),
        ]);
        using var bob = await ConnectAsync("bob");
        Assert.Equal(0, (await bob.SendAsync<ProduceResponse>(ProduceOne("payments"), 0, 7)).Responses[0].PartitionResponses[0].ErrorCode);
        // WRITE implies DESCRIBE: the topic shows in Metadata.
        Assert.Contains((await bob.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 3, 9)).Topics, t => t.Name == "payments");

        _acls.Add([new AclBinding(AclResourceType.Topic, "*", AclPatternType.Literal, "User:*", "*", AclOperation.All, AclPermission.Deny)]);
        // The cached answer is dropped when the ACLs change.
        Assert.Equal(29, (await bob.SendAsync<ProduceResponse>(ProduceOne("payments"), 0, 7)).Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public void The_authorizer_follows_Kafkas_rules()
    {
        var store = AclStore.InMemory();
        var open = new AclAuthorizer(store, new HashSet<string>(), allowEveryoneIfNoAclFound: true);
        Assert.True(open.Authorize("User:x", "10.0.0.1", AclOperation.Read, AclResourceType.Topic, "t"));
        store.Add([new AclBinding(AclResourceType.Topic, "t", AclPatternType.Literal, "User:y", "10.0.0.2", AclOperation.Read, AclPermission.Allow)]);
        // Once an ACL names the resource, allow.everyone no longer applies; the host must match.
        Assert.False(open.Authorize("User:x", "10.0.0.1", AclOperation.Read, AclResourceType.Topic, "t"));
        Assert.False(open.Authorize("User:y", "10.0.0.1", AclOperation.Read, AclResourceType.Topic, "t"));
        Assert.True(open.Authorize("User:y", "10.0.0.2", AclOperation.Read, AclResourceType.Topic, "t"));
        Assert.True(open.Authorize("User:y", "10.0.0.2", AclOperation.Describe, AclResourceType.Topic, "t"));
        Assert.False(open.Authorize("User:y", "10.0.0.2", AclOperation.Write, AclResourceType.Topic, "t"));
        Assert.True(open.Authorize("User:y", "10.0.0.2", AclOperation.Write, AclResourceType.Topic, "other"));
    }

    [Fact]
    public async Task Acls_survive_reopening_the_store()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "acls.json");
        AclStore.Open(path).Add([new AclBinding(AclResourceType.Group, "g-", AclPatternType.Prefixed, "User:arn:aws:iam::1:user/a", "*", AclOperation.Read, AclPermission.Allow)]);
        var reopened = AclStore.Open(path);
        Assert.Equal("User:arn:aws:iam::1:user/a", Assert.Single(reopened.Bindings).Principal);
        Assert.Contains("\"operation\": \"READ\"", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.Contains("\"resource_type\": \"GROUP\"", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    private async Task<RawKafkaConnection> ConnectAsync(string user)
    {
        var connection = await RawKafkaConnection.ConnectAsync(SaslPort);
        Assert.Equal(0, (await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = SaslMechanisms.Plain }, 17, 1)).ErrorCode);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes($"\0{user}\0{Password}") }, 36, 2);
        Assert.True(response.ErrorCode == 0, response.ErrorMessage);
        return connection;
    }

    private static CreateAclsRequest.AclCreation Creation(AclResourceType type, string name, AclPatternType pattern, string principal, AclOperation operation, AclPermission permission) => new()
    {
        ResourceType = (sbyte)type,
        ResourceName = name,
        ResourcePatternType = (sbyte)pattern,
        Principal = principal,
        Host = "*",
        Operation = (sbyte)operation,
        PermissionType = (sbyte)permission,
    };

    private static DescribeAclsRequest Filter(AclPatternType pattern) => new()
    {
        ResourceTypeFilter = (sbyte)AclResourceType.Any,
        PatternTypeFilter = (sbyte)pattern,
        Operation = (sbyte)AclOperation.Any,
        PermissionType = (sbyte)AclPermission.Any,
        ResourceNameFilter = null,
        PrincipalFilter = null,
        HostFilter = null,
    };

    private static byte[] OneRecord()
    {
        using var builder = new Tributary.Protocol.Records.RecordBatchBuilder(0);
        builder.Append(0, "k"u8, "v"u8);
        return builder.ToArray(new());
    }

    private static ProduceRequest ProduceOne(string topic) => new()
    {
        Acks = 1,
        TimeoutMs = 5000,
        TopicData =
        [
            new ProduceRequest.TopicProduceData
            {
                Name = topic,
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = OneRecord() }],
            },
        ],
    };
}
