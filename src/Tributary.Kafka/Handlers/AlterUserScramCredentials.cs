using Tributary.Broker;
using Tributary.Kafka.Security.Authorization;
using Tributary.Kafka.Security.Sasl;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// AlterUserScramCredentials (key 51, KIP-554). Version notes: v0 only, flexible. The client sends the salt and
/// Hi(password, salt, iterations); the broker derives StoredKey and ServerKey and keeps only those. Per user, as Kafka's
/// ScramControlManager checks: an empty name or a count of iterations outside [4096, 16384] is UNACCEPTABLE_CREDENTIAL,
/// an unknown mechanism UNSUPPORTED_SASL_MECHANISM, a user altered twice for one mechanism DUPLICATE_RESOURCE, deleting an
/// absent credential RESOURCE_NOT_FOUND. A user with any error has none of its changes applied; the others are written
/// durably as one change before the response.
/// </summary>
public sealed class AlterUserScramCredentials(ScramCredentialStore credentials) : IKafkaHandler
{
    public short ApiKey => AlterUserScramCredentialsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 0;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (AlterUserScramCredentialsRequest)message;
        var errors = new Dictionary<string, (ErrorCode Code, string Message)>(StringComparer.Ordinal);
        var order = new List<string>();
        var seen = new HashSet<(string, sbyte)>();
        void Note(string user)
        {
            if (!order.Contains(user, StringComparer.Ordinal))
            {
                order.Add(user);
            }
        }
        void Fail(string user, ErrorCode code, string text) => errors.TryAdd(user, (code, text));
        if (!context.AllowsCluster(AclOperation.Alter))
        {
            foreach (var user in request.Deletions.Select(d => d.Name).Concat(request.Upsertions.Select(u => u.Name)))
            {
                Note(user);
                Fail(user, ErrorCode.ClusterAuthorizationFailed, "Cluster authorization failed.");
            }
        }

        foreach (var deletion in request.Deletions)
        {
            Note(deletion.Name);
            var formatter = ScramFormatter.ForTypeId(deletion.Mechanism);
            if (deletion.Name.Length == 0)
            {
                Fail(deletion.Name, ErrorCode.UnacceptableCredential, "Username must not be empty");
            }
            else if (formatter is null)
            {
                Fail(deletion.Name, ErrorCode.UnsupportedSaslMechanism, "Unknown SCRAM mechanism " + deletion.Mechanism);
            }
            else if (!seen.Add((deletion.Name, deletion.Mechanism)))
            {
                Fail(deletion.Name, ErrorCode.DuplicateResource, "A user credential cannot be altered twice in the same request");
            }
            else if (credentials.Find(deletion.Name, formatter.Mechanism) is null)
            {
                Fail(deletion.Name, ErrorCode.ResourceNotFound, "Attempt to delete a user credential that does not exist");
            }
        }
        foreach (var upsertion in request.Upsertions)
        {
            Note(upsertion.Name);
            var formatter = ScramFormatter.ForTypeId(upsertion.Mechanism);
            if (upsertion.Name.Length == 0)
            {
                Fail(upsertion.Name, ErrorCode.UnacceptableCredential, "Username must not be empty");
            }
            else if (formatter is null)
            {
                Fail(upsertion.Name, ErrorCode.UnsupportedSaslMechanism, "Unknown SCRAM mechanism " + upsertion.Mechanism);
            }
            else if (!seen.Add((upsertion.Name, upsertion.Mechanism)))
            {
                Fail(upsertion.Name, ErrorCode.DuplicateResource, "A user credential cannot be altered twice in the same request");
            }
            else if (upsertion.Iterations < ScramFormatter.MinIterations)
            {
                Fail(upsertion.Name, ErrorCode.UnacceptableCredential, "Too few iterations");
            }
            else if (upsertion.Iterations > ScramFormatter.MaxIterations)
            {
                Fail(upsertion.Name, ErrorCode.UnacceptableCredential, "Too many iterations");
            }
            else if (upsertion.Salt.Length == 0 || upsertion.SaltedPassword.Length != formatter.HashBytes)
            {
                Fail(upsertion.Name, ErrorCode.UnacceptableCredential, $"Salt must not be empty and the salted password must be {formatter.HashBytes} bytes");
            }
        }

        var deletions = request.Deletions.Where(d => !errors.ContainsKey(d.Name))
            .Select(d => (d.Name, ScramFormatter.ForTypeId(d.Mechanism)!.Mechanism)).ToList();
        var upsertions = request.Upsertions.Where(u => !errors.ContainsKey(u.Name))
            .Select(u =>
            {
                var formatter = ScramFormatter.ForTypeId(u.Mechanism)!;
                return (u.Name, formatter.Mechanism, formatter.Credential(u.Salt.ToArray(), u.SaltedPassword.ToArray(), u.Iterations));
            }).ToList();
        if (deletions.Count + upsertions.Count > 0)
        {
            credentials.Apply(deletions, upsertions);
        }

        var response = new AlterUserScramCredentialsResponse();
        foreach (var user in order)
        {
            var result = new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult { User = user };
            if (errors.TryGetValue(user, out var error))
            {
                result.ErrorCode = (short)error.Code;
                result.ErrorMessage = error.Message;
            }
            response.Results.Add(result);
        }
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
