using System.Diagnostics;
using System.Reflection;

namespace Tributary.Registry.Tests;

/// <summary>protoc from the Google.Protobuf.Tools package: the .proto parser's oracle and the Python test's code generator.</summary>
internal static class Protoc
{
    public static string ToolsDirectory { get; } = typeof(Protoc).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "ProtobufToolsDirectory").Value!;

    /// <summary>The directory holding google/protobuf/*.proto.</summary>
    public static string IncludeDirectory => ToolsDirectory;

    public static string Path
    {
        get
        {
            var path = System.IO.Path.Combine(ToolsDirectory, "linux_x64", "protoc");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"protoc not found at {path}: restore Google.Protobuf.Tools (dotnet restore)");
            }
            // NuGet extracts it without the execute bit for others; the owner may need it set too.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
            }
            return path;
        }
    }

    /// <summary>protoc --decode: the text format of <paramref name="message"/> bytes of type <paramref name="type"/> declared in <paramref name="file"/> of <paramref name="directory"/>.</summary>
    public static string Decode(string directory, string file, string type, byte[] message)
    {
        var input = System.IO.Path.Combine(directory, "message.bin");
        File.WriteAllBytes(input, message);
        return Run(directory, input, "--decode=" + type, file);
    }

    /// <summary>protoc --encode: the binary of the text-format message <paramref name="text"/> of type <paramref name="type"/> declared in <paramref name="file"/> of <paramref name="directory"/>.</summary>
    public static byte[] Encode(string directory, string file, string type, string text)
    {
        var start = Start(directory, ["--encode=" + type, file]);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        Finish(process, error);
        copy.Wait();
        return output.ToArray();
    }

    /// <summary>Runs protoc in <paramref name="directory"/>; returns stdout, throws when it fails.</summary>
    public static string Run(string directory, params string[] arguments) => Run(directory, null, arguments);

    private static ProcessStartInfo Start(string directory, string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-I.");
        start.ArgumentList.Add("-I" + IncludeDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private static void Finish(Process process, Task<string> error)
    {
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException("protoc did not finish in 30 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("protoc failed: " + error.Result);
        }
    }

    private static string Run(string directory, string? standardInput, params string[] arguments)
    {
        using var process = Process.Start(Start(directory, arguments))!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (standardInput is not null)
        {
            using var stream = File.OpenRead(standardInput);
            stream.CopyTo(process.StandardInput.BaseStream);
        }
        process.StandardInput.Close();
        Finish(process, error);
        return output.Result;
    }
}
