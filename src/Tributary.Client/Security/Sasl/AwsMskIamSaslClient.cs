using Tributary.Client.Security.Aws;

namespace Tributary.Client.Security.Sasl;

/// <summary>
/// AWS_MSK_IAM (aws-msk-iam-auth's IAMLoginModule with IAMClientCallbackHandler): one JSON message carrying a SigV4
/// presign of <c>kafka-cluster:Connect</c> for the broker's host name, signed with credentials from the standard chain
/// (<see cref="AwsCredentialChain"/>) resolved at each connection; the broker answers once with a JSON acknowledgement.
/// <c>awsProfileName</c> of the JAAS options picks a profile. Immutable.
/// </summary>
public sealed class AwsMskIamSaslClient(string? profileName, TimeProvider? clock = null) : ISaslClientMechanism
{
    public string Name => "AWS_MSK_IAM";

    public ISaslClientExchange Start(string host) => new Exchange(host, profileName, clock ?? TimeProvider.System);

    public override string ToString() => $"AWS_MSK_IAM (profile {profileName ?? "from the environment"})";

    private sealed class Exchange(string host, string? profileName, TimeProvider clock) : ISaslClientExchange
    {
        private bool _sent;

        public byte[]? Next(byte[]? serverToken)
        {
            if (_sent)
            {
                return null;
            }
            _sent = true;
            var credentials = AwsCredentialChain.Resolve(profileName);
            return MskIamSigner.AwsMskIamPayload(host, credentials, AwsCredentialChain.Region(host, profileName), clock.GetUtcNow());
        }
    }
}
