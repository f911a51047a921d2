using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeUserScramCredentials (key 50, KIP-554). Version notes: v0 only, flexible. Null or empty Users lists every
/// user with credentials; a named user without any gets RESOURCE_NOT_FOUND, a user named twice DUPLICATE_RESOURCE
/// (Kafka's ScramImage). Only mechanisms and iterations are returned, never salts or keys.
/// </summary>
public sealed class DescribeUserScramCredentials(ScramCredentialStore credentials) : IKafkaHandler
{
    public short ApiKey => DescribeUserScramCredentialsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 0;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeUserScramCredentialsRequest)message;
        var response = new DescribeUserScramCredentialsResponse();
        if (!context.AllowsCluster(AclOperation.Describe))
        {
            response.ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed;
            return ValueTask.FromResult<IKafkaMessage?>(response);
        }
        var all = request.Users is null || request.Users.Count == 0;
        var names = all ? credentials.Users.ToList() : request.Users!.Select(u => u.Name).ToList();
        var duplicates = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var result = new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult { User = name };
            var stored = credentials.CredentialsOf(name);
            if (duplicates.Contains(name))
            {
                result.ErrorCode = (short)ErrorCode.DuplicateResource;
                result.ErrorMessage = "Cannot describe SCRAM credentials for the same user twice in a single request: " + name;
            }
            else if (stored.Count == 0)
            {
                result.ErrorCode = (short)ErrorCode.ResourceNotFound;
                result.ErrorMessage = "Attempt to describe a user credential that does not exist: " + name;
            }
            else
            {
                foreach (var (mechanism, credential) in stored.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    result.CredentialInfos.Add(new DescribeUserScramCredentialsResponse.CredentialInfo
                    {
                        Mechanism = ScramFormatter.ForMechanism(mechanism)?.TypeId ?? 0,
                        Iterations = credential.Iterations,
                    });
                }
            }
            response.Results.Add(result);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
