using Tributary.Registry.Cluster;

namespace Tributary.Registry.Tests;

/// <summary>The registry group's protocol bytes and the leader choice, without a cluster.</summary>
public sealed class RegistryElectionTests
{
    private static readonly RegistryIdentity A = new("10.0.0.1", 8081, "http", LeaderEligibility: true);
    private static readonly RegistryIdentity B = new("10.0.0.2", 8081, "http", LeaderEligibility: true);
    private static readonly RegistryIdentity Reader = new("10.0.0.3", 8081, "http", LeaderEligibility: false);

    [Fact]
    public void The_eligible_member_whose_id_sorts_first_leads_and_ineligible_ones_never_do()
    {
        var elected = RegistryAssignment.Elect(new Dictionary<string, RegistryIdentity> { ["m-b"] = B, ["m-a"] = A, ["m-0"] = Reader });
        Assert.Equal((RegistryAssignment.NoError, "m-a", A), (elected.Error, elected.LeaderMemberId, elected.Leader));

        var none = RegistryAssignment.Elect(new Dictionary<string, RegistryIdentity> { ["m-0"] = Reader });
        Assert.Equal((RegistryAssignment.NoError, (string?)null, (RegistryIdentity?)null), (none.Error, none.LeaderMemberId, none.Leader));

        var duplicate = RegistryAssignment.Elect(new Dictionary<string, RegistryIdentity> { ["m-a"] = A, ["m-b"] = A with { LeaderEligibility = false } });
        Assert.Equal(RegistryAssignment.DuplicateUrls, duplicate.Error);
        Assert.Null(duplicate.Leader);
    }

    [Fact]
    public void Identity_and_assignment_round_trip_as_the_registry_JSON_and_read_the_older_master_names()
    {
        Assert.Equal("""{"version":1,"host":"10.0.0.1","port":8081,"leader_eligibility":true,"scheme":"http"}""", System.Text.Encoding.UTF8.GetString(A.Encode()));
        Assert.Equal(A, RegistryIdentity.Decode(A.Encode()));
        var assignment = new RegistryAssignment(RegistryAssignment.NoError, "m-a", A);
        Assert.Equal(assignment, RegistryAssignment.Decode(assignment.Encode()));
        var older = RegistryAssignment.Decode("""{"version":1,"error":0,"master":"m-x","master_identity":{"version":1,"host":"h","port":1,"master_eligibility":true,"scheme":"http"}}"""u8);
        Assert.Equal(("m-x", "http://h:1", true), (older.LeaderMemberId, older.Leader!.Url, older.Leader.LeaderEligibility));
    }

    [Theory]
    [InlineData("POST", new[] { "subjects", "s", "versions" }, true)]
    [InlineData("POST", new[] { "subjects", "s" }, false)]
    [InlineData("POST", new[] { "compatibility", "subjects", "s", "versions", "latest" }, false)]
    [InlineData("PUT", new[] { "config" }, true)]
    [InlineData("DELETE", new[] { "subjects", "s" }, true)]
    [InlineData("GET", new[] { "subjects" }, false)]
    public void Only_writes_are_forwarded(string method, string[] segments, bool write) =>
        Assert.Equal(write, LeaderForwarding.IsWrite(new RegistryRequest(method, segments, new Dictionary<string, string>(), null)));
}
