// Regenerates the Kafka message codecs. Usage: dotnet run --project tools/Tributary.CodeGen [-- --check]
// With --check nothing is written; the exit code is 1 when the checked-in files differ.
using Tributary.CodeGen;

var root = Generator.FindRepositoryRoot(Directory.GetCurrentDirectory());
var generated = Generator.Generate(root);
var output = Path.Combine(root, Generator.OutputFolder);
Directory.CreateDirectory(output);
var check = args.Contains("--check");
var stale = 0;
foreach (var existing in Directory.GetFiles(output, "*.g.cs"))
{
    if (!generated.ContainsKey(Path.GetFileName(existing)))
    {
        stale++;
        Console.WriteLine($"{(check ? "stale" : "deleted")}: {Path.GetFileName(existing)}");
        if (!check)
        {
            File.Delete(existing);
        }
    }
}
foreach (var (name, content) in generated)
{
    var path = Path.Combine(output, name);
    if (File.Exists(path) && File.ReadAllText(path) == content)
    {
        continue;
    }
    stale++;
    Console.WriteLine($"{(check ? "stale" : "wrote")}: {name}");
    if (!check)
    {
        File.WriteAllText(path, content);
    }
}
Console.WriteLine($"{generated.Count} files, {stale} {(check ? "out of date" : "changed")}.");
return check && stale > 0 ? 1 : 0;
