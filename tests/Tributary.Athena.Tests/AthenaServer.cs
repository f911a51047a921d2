namespace Tributary.Athena.Tests;

/// <summary>`tributary serve` for the Athena tests (see <see cref="AwsServeFixture"/>), with their client scripts.</summary>
public sealed class AthenaServer() : AwsServeFixture("athena"), IAsyncLifetime
{
    public static string Scripts => Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "athena");
}
