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

        // The checks deletions and upsertions share: the formatter of an acceptable alteration, or null after its failure.
        ScramFormatter? Check(string user, sbyte mechanism)
        {
            Note(user);
            var formatter = ScramFormatter.ForTypeId(mechanism);
            if (user.Length == 0)
            {
                Fail(user, ErrorCode.UnacceptableCredential, "Username must not be empty");
            }
            else if (formatter is null)
            {
                Fail(user, ErrorCode.UnsupportedSaslMechanism, "Unknown SCRAM mechanism " + mechanism);
            }
            else if (!seen.Add((user, mechanism)))
            {
                Fail(user, ErrorCode.DuplicateResource, "A user credential cannot be altered twice in the same request");
            }
            else
            {
                return formatter;
            }
            return null;
        }

        foreach (var deletion in request.Deletions)
        {
            if (Check(deletion.Name, deletion.Mechanism) is { } formatter && credentials.Find(deletion.Name, formatter.Mechanism) is null)
            {
                Fail(deletion.Name, ErrorCode.ResourceNotFound, "Attempt to delete a user credential that does not exist");
            }
        }
        foreach (var upsertion in request.Upsertions)
        {
            if (Check(upsertion.Name, upsertion.Mechanism) is not { } formatter)
            {
                continue;
            }
            if (upsertion.Iterations < ScramFormatter.MinIterations)
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
