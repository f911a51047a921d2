namespace Tributary.Glue.Tests;

/// <summary>`tributary serve` for the Glue tests (see <see cref="AwsServeFixture"/>), with their client scripts.</summary>
public sealed class GlueServer() : AwsServeFixture("glue"), IAsyncLifetime
{
    public static string Scripts => Path.Combine(InteropPaths.RepositoryRoot, "tests", "interop", "glue");
}
