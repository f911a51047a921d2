namespace Tributary.Firehose.Tests;

/// <summary>
/// `tributary serve` (see <see cref="AwsServeFixture"/>) for the Firehose wire tests: the real program as a separate
/// process, one per test class, with the default account 000000000000 and no HTTP/2-only port.
/// </summary>
public sealed class FirehoseServer : AwsServeFixture, IAsyncLifetime
{
    public FirehoseServer()
        : base("firehose-wire")
    {
        Settings.Add("aws.http2.port=-1");
    }
}
