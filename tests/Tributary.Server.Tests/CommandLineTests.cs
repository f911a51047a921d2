using System.Diagnostics;

namespace Tributary.Server.Tests;

/// <summary>The <c>tributary</c> command line, run as the real program: help, bad arguments, secrets in `config`.</summary>
[Trait("Category", "process")]
public class CommandLineTests
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "tributary.dll");

    private static (int Exit, string Out, string Error) Tributary(string[] args, Dictionary<string, string>? environment = null)
    {
        Assert.True(File.Exists(Program), "tributary.dll not built: " + Program);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "tributary did not exit within 60 s");
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Each command's bad arguments: unknown option, missing value, non-numeric number, bad choice or form.</summary>
    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["no-such-command"], "unknown command 'no-such-command'" },
        { ["--no-such-option"], "'--no-such-option'" },
        { ["serve", "--bogus"], "'--bogus'" },
        { ["serve", "--data-dir"], "--data-dir" },
        { ["serve", "--set", "kafka.port"], "--set expects KEY=VALUE" },
        { ["serve", "--config"], "--config" },
        { ["serve", "extra"], "'extra'" },
        { ["config", "--bogus"], "'--bogus'" },
        { ["config", "--set"], "--set" },
        { ["config", "--set", "=1"], "--set expects KEY=VALUE" },
        { ["parquet"], "FILE" },
        { ["parquet", "file.parquet", "--rows", "abc"], "'abc'" },
        { ["parquet", "file.parquet", "--rows"], "--rows" },
        { ["parquet", "file.parquet", "--bogus"], "'--bogus'" },
        { ["parquet", "a.parquet", "b.parquet"], "'b.parquet'" },
        { ["convert", "in.jsonl"], "OUTPUT" },
        { ["convert", "in.jsonl", "out.parquet", "--infer", "many"], "'many'" },
        { ["convert", "in.jsonl", "out.parquet", "--infer"], "--infer" },
        { ["convert", "in.jsonl", "out.parquet", "--row-group-mb", "1.5"], "'1.5'" },
        { ["convert", "in.jsonl", "out.parquet", "--row-group-mb", "0"], "--row-group-mb must be an integer between 1 and 1048576" },
        { ["convert", "in.jsonl", "out.parquet", "--page-version", "3"], "--page-version must be an integer between 1 and 2" },
        { ["convert", "in.jsonl", "out.parquet", "--page-version", "two"], "'two'" },
        { ["convert", "in.jsonl", "out.parquet", "--compression", "lzma"], "--compression must be snappy, gzip, zstd or none" },
        { ["convert", "in.jsonl", "out.parquet", "--serde", "xml"], "--serde must be openx or hive" },
        { ["convert", "in.jsonl", "out.parquet", "--map", "nokey"], "--map expects COLUMN=KEY" },
        { ["convert", "in.jsonl", "out.parquet", "--bogus"], "'--bogus'" },
        { ["version", "--bogus"], "'--bogus'" },
        { ["help", "no-such-command"], "unknown command 'no-such-command'" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void A_bad_argument_is_one_line_on_stderr_and_exit_code_two(string[] args, string expected)
    {
        var (exit, output, error) = Tributary(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{error}");
        Assert.StartsWith("tributary", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("Exception", error);
    }

    [Fact]
    public void A_value_the_configuration_refuses_is_one_line_and_exit_code_two()
    {
        var (exit, output, error) = Tributary(["config", "--set", "log.segment.bytes=big"]);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("tributary: Option 'log.segment.bytes' must be an integer between 1024 and 2147483647; got 'big' (from flag).", error.TrimEnd('\n'));
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_lists_every_command(params string[] args)
    {
        var (exit, output, error) = Tributary(args);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        foreach (var command in new[] { "serve", "config", "parquet", "convert", "version", "help" })
        {
            Assert.Matches($"(?m)^  {command}\\b", output);
        }
    }

    [Theory]
    [InlineData("serve", "--data-dir <DIR>", "--config <FILE>", "--set <KEY=VALUE>")]
    [InlineData("config", "--data-dir <DIR>", "--config <FILE>", "--set <KEY=VALUE>")]
    [InlineData("parquet", "<FILE>", "--schema", "--metadata", "--rows <N>")]
    [InlineData("convert", "<INPUT>", "<OUTPUT>", "--columns", "--infer <N>", "--compression <snappy|gzip|zstd|none>", "--map <COLUMN=KEY>", "--errors <FILE>")]
    public void Each_command_lists_its_options_and_help_COMMAND_says_the_same(string command, params string[] expected)
    {
        var (exit, output, _) = Tributary([command, "--help"]);
        Assert.Equal(0, exit);
        foreach (var text in expected)
        {
            Assert.Contains(text, output);
        }

        Assert.Equal(output, Tributary(["help", command]).Out);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    public void Version_prints_the_program_and_its_version(string arg)
    {
        var (exit, output, _) = Tributary([arg]);
        Assert.Equal(0, exit);
        Assert.Matches(@"^tributary \d+\.\d+\.\d+", output);
    }

    [Fact]
    public void Config_hides_secrets_set_anywhere_but_shows_their_defaults_and_everything_else()
    {
        var (exit, output, error) = Tributary(
            ["config", "--set", "aws.credentials=AKIDEXAMPLE:wJalrXUtnFEMIK7MDENGbPxRfiCY", "--set", "delivery.s3.secret.key=s3cr3t-value", "--data-dir", "/tmp/visible"],
            new() { ["TRIBUTARY_DELIVERY_S3_ACCESS_KEY"] = "AKIAENVIRONMENT" });
        Assert.True(exit == 0, error);
        Assert.Contains("aws.credentials = [hidden]    # flag", output);
        Assert.Contains("delivery.s3.secret.key = [hidden]    # flag", output);
        Assert.Contains("delivery.s3.access.key = [hidden]    # environment", output);
        Assert.Contains("data.dir = /tmp/visible    # flag", output);
        Assert.DoesNotContain("wJalrXUtnFEMI", output);
        Assert.DoesNotContain("s3cr3t", output);
        Assert.DoesNotContain("AKIA", output);

        var defaults = Tributary(["config"]).Out;
        Assert.Contains("aws.credentials = any    # default", defaults);
        Assert.Contains("delivery.s3.secret.key = chain    # default", defaults);
    }

    [Fact]
    public void Flags_apply_in_the_order_given()
    {
        Assert.Contains("data.dir = /tmp/b    # flag", Tributary(["config", "--data-dir", "/tmp/a", "--set", "data.dir=/tmp/b"]).Out);
        Assert.Contains("data.dir = /tmp/a    # flag", Tributary(["config", "--set", "data.dir=/tmp/b", "--data-dir", "/tmp/a"]).Out);
    }
}
