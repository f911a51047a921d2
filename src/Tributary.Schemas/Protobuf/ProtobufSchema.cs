using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Tributary.Schemas.Protobuf;

/// <summary>A referenced schema's import path (the reference's name) and text.</summary>
public sealed record NamedSchemaText(string Name, string Schema);

/// <summary>
/// A Protobuf schema: the parsed file (<see cref="FileDescriptorProto"/>), the files it imports (by import path: its
/// references, then the built-in <see cref="WellKnownProtos"/>), the types it can name, and its canonical text (the
/// file printed by <see cref="ProtoPrinter"/>). The text is .proto source, or, as Confluent's registry also accepts,
/// a base64 serialized FileDescriptorProto. Immutable after parsing; shared between threads.
/// </summary>
public sealed class ProtobufSchema : ParsedSchema
{
    /// <summary>The file name a schema's own descriptor carries (the registry does not know one).</summary>
    public const string DefaultFileName = "default.proto";

    private ProtobufSchema(FileDescriptorProto file, IReadOnlyDictionary<string, FileDescriptorProto> imports, ProtoSymbols symbols, bool fromDescriptor)
    {
        File = file;
        Imports = imports;
        Symbols = symbols;
        FromDescriptor = fromDescriptor;
        CanonicalString = ProtoPrinter.Print(file, symbols);
    }

    public FileDescriptorProto File { get; }

    public IReadOnlyDictionary<string, FileDescriptorProto> Imports { get; }

    public ProtoSymbols Symbols { get; }

    /// <summary>True when the text was a base64 FileDescriptorProto rather than .proto source.</summary>
    public bool FromDescriptor { get; }

    public override string SchemaType => SchemaTypes.Protobuf;

    public override string CanonicalString { get; }

    public override IReadOnlyList<string> CanReadDataWrittenWith(ParsedSchema writer) =>
        ProtobufCompatibility.Check((ProtobufSchema)writer, this);

    /// <summary>Parses a schema; <paramref name="references"/> are the referenced schemas, each before the ones that import it.</summary>
    public static ProtobufSchema Parse(string text, IReadOnlyList<NamedSchemaText> references)
    {
        var imports = new Dictionary<string, FileDescriptorProto>(WellKnownProtos.Files, StringComparer.Ordinal);
        foreach (var reference in references)
        {
            if (!imports.ContainsKey(reference.Name) || !WellKnownProtos.Files.ContainsKey(reference.Name))
            {
                try
                {
                    imports[reference.Name] = ParseFile(reference.Schema, reference.Name, imports).File;
                }
                catch (InvalidSchemaException e)
                {
                    throw new InvalidSchemaException($"Invalid schema: reference {reference.Name}: {e.Message}", e);
                }
            }
        }
        var (file, fromDescriptor) = ParseFile(text, DefaultFileName, imports);
        var symbols = new ProtoSymbols();
        foreach (var dependency in file.Dependency)
        {
            symbols.AddWithDependencies(imports[dependency], imports);
        }
        symbols.Add(file);
        return new ProtobufSchema(file, imports, symbols, fromDescriptor);
    }

    private static (FileDescriptorProto File, bool FromDescriptor) ParseFile(string text, string name, IReadOnlyDictionary<string, FileDescriptorProto> imports)
    {
        try
        {
            return (ProtoParser.Parse(text, name, imports), false);
        }
        catch (InvalidSchemaException) when (TryDescriptor(text, imports) is { } descriptor)
        {
            descriptor.Name = name;
            return (descriptor, true);
        }
    }

    /// <summary>A base64 FileDescriptorProto whose imports are known and whose type names resolve; null otherwise.</summary>
    private static FileDescriptorProto? TryDescriptor(string text, IReadOnlyDictionary<string, FileDescriptorProto> imports)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Contains(' ', StringComparison.Ordinal) || trimmed.Contains('{', StringComparison.Ordinal))
        {
            return null;
        }
        FileDescriptorProto file;
        try
        {
            file = FileDescriptorProto.Parser.ParseFrom(Convert.FromBase64String(trimmed));
        }
        catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
        {
            return null;
        }
        if (file.MessageType.Count == 0 && file.EnumType.Count == 0)
        {
            return null;
        }
        var symbols = new ProtoSymbols();
        foreach (var dependency in file.Dependency)
        {
            if (!imports.TryGetValue(dependency, out var imported))
            {
                return null;
            }
            symbols.AddWithDependencies(imported, imports);
        }
        symbols.Add(file);
        foreach (var type in symbols.Types.Values)
        {
            if (type.Message is { } message && message.Field.Any(f => f.HasTypeName && symbols.Find(f.TypeName) is null))
            {
                return null;
            }
        }
        return file;
    }
}
