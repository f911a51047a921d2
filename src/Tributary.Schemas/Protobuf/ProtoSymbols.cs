using Google.Protobuf.Reflection;

namespace Tributary.Schemas.Protobuf;

/// <summary>A message or enum type by its full name (with the leading dot, as descriptors spell type names).</summary>
public sealed record ProtoType(string FullName, string Package, string File, DescriptorProto? Message, EnumDescriptorProto? Enum)
{
    public bool IsEnum => Enum is not null;

    public bool IsMapEntry => Message?.Options?.MapEntry == true;

    /// <summary>The name without the package (<c>Outer.Inner</c>).</summary>
    public string LocalName => Package.Length == 0 ? FullName[1..] : FullName[(Package.Length + 2)..];
}

/// <summary>
/// The types a file can name: its own and those of the files it imports, by full name. Resolves a name as protoc does
/// for the common cases: a leading dot is absolute; otherwise the innermost enclosing scope that holds the name wins.
/// Built once per parsed schema, then read-only (thread-safe for readers).
/// </summary>
public sealed class ProtoSymbols
{
    private readonly Dictionary<string, ProtoType> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ProtoType> Types => _types;

    public ProtoType? Find(string fullName) => _types.GetValueOrDefault(fullName);

    public void Add(FileDescriptorProto file)
    {
        if (!_files.Add(file.Name))
        {
            return;
        }
        var prefix = file.Package.Length == 0 ? "." : "." + file.Package + ".";
        foreach (var message in file.MessageType)
        {
            AddMessage(message, prefix, file);
        }
        foreach (var enumType in file.EnumType)
        {
            _types.TryAdd(prefix + enumType.Name, new ProtoType(prefix + enumType.Name, file.Package, file.Name, null, enumType));
        }
    }

    public void AddWithDependencies(FileDescriptorProto file, IReadOnlyDictionary<string, FileDescriptorProto> files)
    {
        foreach (var dependency in file.Dependency)
        {
            if (files.TryGetValue(dependency, out var imported) && !_files.Contains(imported.Name))
            {
                AddWithDependencies(imported, files);
            }
        }
        Add(file);
    }

    private void AddMessage(DescriptorProto message, string prefix, FileDescriptorProto file)
    {
        var fullName = prefix + message.Name;
        _types.TryAdd(fullName, new ProtoType(fullName, file.Package, file.Name, message, null));
        foreach (var nested in message.NestedType)
        {
            AddMessage(nested, fullName + ".", file);
        }
        foreach (var enumType in message.EnumType)
        {
            _types.TryAdd(fullName + "." + enumType.Name, new ProtoType(fullName + "." + enumType.Name, file.Package, file.Name, null, enumType));
        }
    }

    /// <summary>The type <paramref name="name"/> means inside <paramref name="scope"/> (a full name without the leading dot), or null.</summary>
    public ProtoType? Resolve(string name, string scope)
    {
        if (name.StartsWith('.'))
        {
            return _types.GetValueOrDefault(name);
        }
        var current = scope;
        while (true)
        {
            var candidate = current.Length == 0 ? "." + name : "." + current + "." + name;
            if (_types.TryGetValue(candidate, out var found))
            {
                return found;
            }
            if (current.Length == 0)
            {
                return null;
            }
            var dot = current.LastIndexOf('.');
            current = dot < 0 ? "" : current[..dot];
        }
    }
}
