using System.Text;

namespace Tributary.Client.Security.Sasl;

/// <summary>SASL PLAIN (RFC 4616): one message, empty authorization id, NUL, user, NUL, password. Immutable.</summary>
public sealed class PlainSaslClient(string username, string password) : ISaslClientMechanism
{
    public string Name => "PLAIN";

    public ISaslClientExchange Start(string host) => new Exchange(username, password);

    public override string ToString() => $"PLAIN as {username} (password hidden)";

    private sealed class Exchange(string username, string password) : ISaslClientExchange
    {
        private bool _sent;

        public byte[]? Next(byte[]? serverToken)
        {
            if (_sent)
            {
                return null;
            }
            _sent = true;
            return Encoding.UTF8.GetBytes("\0" + username + "\0" + password);
        }
    }
}
