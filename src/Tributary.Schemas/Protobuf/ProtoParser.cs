using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using static Google.Protobuf.Reflection.FieldDescriptorProto.Types;
using FileOptions = Google.Protobuf.Reflection.FileOptions;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;

namespace Tributary.Schemas.Protobuf;

/// <summary>
/// A recursive-descent parser of .proto text (proto2 and proto3 syntax) into a <see cref="FileDescriptorProto"/> as
/// protoc builds it: package, imports (public/weak), messages with nested messages and enums, fields with labels,
/// proto3 <c>optional</c> (a synthetic oneof <c>_name</c> after the real ones), oneofs, maps (a nested
/// <c>NameEntry</c> message with <c>map_entry</c>), reserved ranges and names, extension ranges, <c>extend</c> blocks,
/// services, and options. Options protoc knows are set on the options messages; custom ones (<c>(name).part</c>) are
/// kept as <see cref="UninterpretedOption"/>. Type names are resolved after parsing against this file's types and those
/// of its imports (<c>.package.Message</c>, with TYPE_MESSAGE or TYPE_ENUM). Groups and editions are refused.
/// Every error is an <see cref="InvalidSchemaException"/> naming the line and column. Not thread-safe (one per parse).
/// </summary>
internal sealed class ProtoParser
{
    private static readonly Dictionary<string, Type> Scalars = new(StringComparer.Ordinal)
    {
        ["double"] = Type.Double,
        ["float"] = Type.Float,
        ["int64"] = Type.Int64,
        ["uint64"] = Type.Uint64,
        ["int32"] = Type.Int32,
        ["fixed64"] = Type.Fixed64,
        ["fixed32"] = Type.Fixed32,
        ["bool"] = Type.Bool,
        ["string"] = Type.String,
        ["bytes"] = Type.Bytes,
        ["uint32"] = Type.Uint32,
        ["sfixed32"] = Type.Sfixed32,
        ["sfixed64"] = Type.Sfixed64,
        ["sint32"] = Type.Sint32,
        ["sint64"] = Type.Sint64,
    };

    private const int MaxFieldNumber = 536_870_911;

    private readonly List<ProtoToken> _tokens;
    private readonly List<(FieldDescriptorProto Field, string Scope, string Name, ProtoToken At)> _unresolvedTypes = [];
    private readonly List<(FieldDescriptorProto Field, string Scope, string Name, ProtoToken At)> _unresolvedExtendees = [];
    private readonly List<(MethodDescriptorProto Method, string Scope, string Input, string Output, ProtoToken At)> _unresolvedMethods = [];
    private int _position;
    private bool _proto3;

    private ProtoParser(string text) => _tokens = ProtoTokenizer.Tokenize(text);

    /// <summary>Parses .proto text named <paramref name="fileName"/>; <paramref name="imports"/> gives the parsed files it may import, by import path.</summary>
    public static FileDescriptorProto Parse(string text, string fileName, IReadOnlyDictionary<string, FileDescriptorProto> imports)
    {
        var parser = new ProtoParser(text);
        var file = parser.ParseFile(fileName);
        parser.Resolve(file, imports);
        return file;
    }

    // ---------------------------------------------------------------- file

    private FileDescriptorProto ParseFile(string fileName)
    {
        var file = new FileDescriptorProto { Name = fileName };
        if (Peek.Is("syntax"))
        {
            Next();
            Expect("=");
            var syntax = ExpectString();
            if (syntax.Text is not ("proto2" or "proto3"))
            {
                throw At(syntax, $"Unrecognized syntax identifier \"{syntax.Text}\".  This parser only recognizes \"proto2\" and \"proto3\".");
            }
            _proto3 = syntax.Text == "proto3";
            if (_proto3)
            {
                file.Syntax = "proto3";
            }
            Expect(";");
        }
        else if (Peek.Is("edition"))
        {
            throw At(Peek, "Editions are not supported; use syntax = \"proto2\" or \"proto3\".");
        }
        var sawPackage = false;
        while (Peek.Kind != ProtoTokenKind.End)
        {
            var token = Peek;
            if (Accept(";"))
            {
                continue;
            }
            switch (token.Text)
            {
                case "package" when token.Kind == ProtoTokenKind.Identifier:
                    if (sawPackage)
                    {
                        throw At(token, "Multiple package definitions.");
                    }
                    Next();
                    file.Package = ExpectIdentifier("package name").Text.TrimStart('.');
                    sawPackage = true;
                    Expect(";");
                    break;
                case "import" when token.Kind == ProtoTokenKind.Identifier:
                    Next();
                    var isPublic = Accept("public");
                    var isWeak = !isPublic && Accept("weak");
                    var path = ExpectString();
                    if (isPublic)
                    {
                        file.PublicDependency.Add(file.Dependency.Count);
                    }
                    if (isWeak)
                    {
                        file.WeakDependency.Add(file.Dependency.Count);
                    }
                    file.Dependency.Add(path.Text);
                    Expect(";");
                    break;
                case "option" when token.Kind == ProtoTokenKind.Identifier:
                    Next();
                    file.Options ??= new FileOptions();
                    ParseOption(file.Options);
                    Expect(";");
                    break;
                case "message" when token.Kind == ProtoTokenKind.Identifier:
                    Next();
                    file.MessageType.Add(ParseMessage(Prefix(file.Package)));
                    break;
                case "enum" when token.Kind == ProtoTokenKind.Identifier:
                    Next();
                    file.EnumType.Add(ParseEnum());
                    break;
                case "service" when token.Kind == ProtoTokenKind.Identifier:
                    Next();
                    file.Service.Add(ParseService(Prefix(file.Package)));
                    break;
                case "extend" when token.Kind == ProtoTokenKind.Identifier:
                    Next();
                    ParseExtend(file.Extension, null, Prefix(file.Package));
                    break;
                default:
                    throw At(token, $"Expected top-level statement (e.g. \"message\"), found \"{token.Text}\".");
            }
        }
        return file;
    }

    private static string Prefix(string package) => package.Length == 0 ? "" : package + ".";

    // ---------------------------------------------------------------- messages

    private DescriptorProto ParseMessage(string scope)
    {
        var name = ExpectName("message name");
        var message = new DescriptorProto { Name = name.Text };
        var fullName = scope + name.Text;
        Expect("{");
        var syntheticOneofs = new List<FieldDescriptorProto>();
        while (!Accept("}"))
        {
            ParseMessageStatement(message, fullName, syntheticOneofs);
        }
        // protoc places the synthetic oneofs of proto3 optional fields after every real oneof.
        foreach (var field in syntheticOneofs)
        {
            var oneofName = "_" + field.Name;
            while (message.OneofDecl.Any(o => o.Name == oneofName))
            {
                oneofName = "X" + oneofName;
            }
            field.OneofIndex = message.OneofDecl.Count;
            message.OneofDecl.Add(new OneofDescriptorProto { Name = oneofName });
        }
        CheckFields(message, name);
        return message;
    }

    private void ParseMessageStatement(DescriptorProto message, string fullName, List<FieldDescriptorProto> syntheticOneofs)
    {
        var token = Peek;
        if (token.Kind == ProtoTokenKind.End)
        {
            throw At(token, "Reached end of input in message definition (missing '}').");
        }
        if (Accept(";"))
        {
            return;
        }
        if (token.Kind != ProtoTokenKind.Identifier)
        {
            throw At(token, $"Expected field or statement in message {message.Name}, found \"{token.Text}\".");
        }
        switch (token.Text)
        {
            case "message":
                Next();
                message.NestedType.Add(ParseMessage(fullName + "."));
                return;
            case "enum":
                Next();
                message.EnumType.Add(ParseEnum());
                return;
            case "option":
                Next();
                message.Options ??= new MessageOptions();
                ParseOption(message.Options);
                Expect(";");
                return;
            case "reserved":
                Next();
                ParseReserved(message.ReservedRange, message.ReservedName, (start, end) => new DescriptorProto.Types.ReservedRange { Start = start, End = end }, MaxFieldNumber);
                return;
            case "extensions":
                Next();
                do
                {
                    var (start, end) = ParseRange(MaxFieldNumber);
                    message.ExtensionRange.Add(new DescriptorProto.Types.ExtensionRange { Start = start, End = end });
                }
                while (Accept(","));
                if (Accept("["))
                {
                    SkipBalanced("[", "]");
                }
                Expect(";");
                return;
            case "extend":
                Next();
                ParseExtend(message.Extension, message, fullName + ".");
                return;
            case "oneof":
                Next();
                ParseOneof(message, fullName);
                return;
            case "map" when PeekAt(1).Is("<"):
                ParseMapField(message, fullName);
                return;
        }
        var field = ParseField(message, fullName, oneofIndex: null, extendee: false);
        if (field.Proto3Optional)
        {
            syntheticOneofs.Add(field);
        }
    }

    private void ParseOneof(DescriptorProto message, string fullName)
    {
        var name = ExpectName("oneof name");
        var index = message.OneofDecl.Count;
        var oneof = new OneofDescriptorProto { Name = name.Text };
        message.OneofDecl.Add(oneof);
        Expect("{");
        var fields = 0;
        while (!Accept("}"))
        {
            if (Accept(";"))
            {
                continue;
            }
            if (Peek.Is("option"))
            {
                Next();
                oneof.Options ??= new OneofOptions();
                ParseOption(oneof.Options);
                Expect(";");
                continue;
            }
            if (Peek.Kind == ProtoTokenKind.End)
            {
                throw At(Peek, "Reached end of input in oneof definition (missing '}').");
            }
            if (Peek.Is("required") || Peek.Is("optional") || Peek.Is("repeated"))
            {
                throw At(Peek, "Fields in oneofs must not have labels (required / optional / repeated).");
            }
            if (Peek.Is("map") && PeekAt(1).Is("<"))
            {
                throw At(Peek, "Map fields are not allowed in oneofs.");
            }
            ParseField(message, fullName, index, extendee: false);
            fields++;
        }
        if (fields == 0)
        {
            throw At(name, $"Oneof \"{name.Text}\" must have at least one field.");
        }
    }

    private FieldDescriptorProto ParseField(DescriptorProto? message, string scope, int? oneofIndex, bool extendee, Google.Protobuf.Collections.RepeatedField<FieldDescriptorProto>? target = null)
    {
        var start = Peek;
        var field = new FieldDescriptorProto();
        var hasLabel = false;
        if (oneofIndex is null)
        {
            if (Accept("required"))
            {
                if (_proto3)
                {
                    throw At(start, "Required fields are not allowed in proto3.");
                }
                field.Label = Label.Required;
                hasLabel = true;
            }
            else if (Accept("optional"))
            {
                field.Label = Label.Optional;
                if (_proto3 && !extendee)
                {
                    field.Proto3Optional = true;
                }
                hasLabel = true;
            }
            else if (Accept("repeated"))
            {
                field.Label = Label.Repeated;
                hasLabel = true;
            }
        }
        if (!hasLabel)
        {
            if (!_proto3 && oneofIndex is null)
            {
                throw At(start, "Expected \"required\", \"optional\", or \"repeated\".");
            }
            field.Label = Label.Optional;
        }
        var typeToken = Peek;
        if (typeToken.Is("group"))
        {
            throw At(typeToken, "Groups are not supported.");
        }
        if (typeToken.Is("map") && PeekAt(1).Is("<"))
        {
            throw At(typeToken, "Field labels (required/optional/repeated) are not allowed on map fields.");
        }
        var typeName = ExpectIdentifier("field type");
        if (Scalars.TryGetValue(typeName.Text, out var scalar))
        {
            field.Type = scalar;
        }
        var name = ExpectName("field name");
        field.Name = name.Text;
        Expect("=");
        field.Number = ExpectFieldNumber();
        if (!Scalars.ContainsKey(typeName.Text))
        {
            _unresolvedTypes.Add((field, scope, typeName.Text, typeName));
        }
        if (oneofIndex is { } index)
        {
            field.OneofIndex = index;
        }
        if (Accept("["))
        {
            ParseFieldOptions(field);
        }
        Expect(";");
        if (!field.HasJsonName)
        {
            field.JsonName = JsonName(field.Name);
        }
        (target ?? message!.Field).Add(field);
        return field;
    }

    private void ParseMapField(DescriptorProto message, string scope)
    {
        Next();
        Expect("<");
        var keyToken = ExpectIdentifier("map key type");
        if (!Scalars.TryGetValue(keyToken.Text, out var keyType) || keyType is Type.Double or Type.Float or Type.Bytes)
        {
            throw At(keyToken, "Key in map fields cannot be float/double, bytes or message types.");
        }
        Expect(",");
        var valueToken = ExpectIdentifier("map value type");
        Expect(">");
        var name = ExpectName("field name");
        Expect("=");
        var number = ExpectFieldNumber();
        var entryName = MapEntryName(name.Text);
        var entry = new DescriptorProto { Name = entryName, Options = new MessageOptions { MapEntry = true } };
        entry.Field.Add(new FieldDescriptorProto { Name = "key", Number = 1, Label = Label.Optional, Type = keyType, JsonName = "key" });
        var value = new FieldDescriptorProto { Name = "value", Number = 2, Label = Label.Optional, JsonName = "value" };
        if (Scalars.TryGetValue(valueToken.Text, out var valueType))
        {
            value.Type = valueType;
        }
        else
        {
            _unresolvedTypes.Add((value, scope + "." + entryName, valueToken.Text, valueToken));
        }
        entry.Field.Add(value);
        message.NestedType.Add(entry);
        var field = new FieldDescriptorProto
        {
            Name = name.Text,
            Number = number,
            Label = Label.Repeated,
            Type = Type.Message,
            TypeName = "." + scope + "." + entryName,
            JsonName = JsonName(name.Text),
        };
        if (Accept("["))
        {
            ParseFieldOptions(field);
        }
        Expect(";");
        message.Field.Add(field);
    }

    private void ParseFieldOptions(FieldDescriptorProto field)
    {
        do
        {
            var token = Peek;
            if (token.Is("default"))
            {
                Next();
                Expect("=");
                field.DefaultValue = ParseDefault(token);
                continue;
            }
            if (token.Is("json_name"))
            {
                Next();
                Expect("=");
                field.JsonName = ExpectString().Text;
                continue;
            }
            field.Options ??= new FieldOptions();
            ParseOption(field.Options);
        }
        while (Accept(","));
        Expect("]");
    }

    private string ParseDefault(ProtoToken at)
    {
        var negative = Accept("-");
        var token = Next();
        return token.Kind switch
        {
            ProtoTokenKind.String when !negative => token.Text,
            ProtoTokenKind.Integer => (negative ? "-" : "") + ParseInteger(token).ToString(CultureInfo.InvariantCulture),
            ProtoTokenKind.Float => (negative ? "-" : "") + token.Text.TrimEnd('f', 'F'),
            ProtoTokenKind.Identifier => (negative ? "-" : "") + token.Text,
            _ => throw At(at, "Expected a default value."),
        };
    }

    private void ParseExtend(Google.Protobuf.Collections.RepeatedField<FieldDescriptorProto> target, DescriptorProto? message, string scope)
    {
        var extendee = ExpectIdentifier("extendee");
        Expect("{");
        while (!Accept("}"))
        {
            if (Accept(";"))
            {
                continue;
            }
            if (Peek.Kind == ProtoTokenKind.End)
            {
                throw At(Peek, "Reached end of input in extend definition (missing '}').");
            }
            var field = ParseField(message, scope.TrimEnd('.'), null, extendee: true, target);
            _unresolvedExtendees.Add((field, scope.TrimEnd('.'), extendee.Text, extendee));
        }
    }

    // ---------------------------------------------------------------- enums, services

    private EnumDescriptorProto ParseEnum()
    {
        var name = ExpectName("enum name");
        var result = new EnumDescriptorProto { Name = name.Text };
        Expect("{");
        while (!Accept("}"))
        {
            var token = Peek;
            if (Accept(";"))
            {
                continue;
            }
            if (token.Kind == ProtoTokenKind.End)
            {
                throw At(token, "Reached end of input in enum definition (missing '}').");
            }
            if (token.Is("option"))
            {
                Next();
                result.Options ??= new EnumOptions();
                ParseOption(result.Options);
                Expect(";");
                continue;
            }
            if (token.Is("reserved"))
            {
                Next();
                ParseReserved(result.ReservedRange, result.ReservedName, (start, end) => new EnumDescriptorProto.Types.EnumReservedRange { Start = start, End = end - 1 }, int.MaxValue, enumRange: true);
                continue;
            }
            var valueName = ExpectName("enum constant name");
            Expect("=");
            var negative = Accept("-");
            var numberToken = Peek;
            if (numberToken.Kind != ProtoTokenKind.Integer)
            {
                throw At(numberToken, "Expected integer.");
            }
            Next();
            var number = ParseInteger(numberToken) * (negative ? -1 : 1);
            if (number is < int.MinValue or > int.MaxValue)
            {
                throw At(numberToken, "Integer out of range.");
            }
            var value = new EnumValueDescriptorProto { Name = valueName.Text, Number = (int)number };
            if (Accept("["))
            {
                do
                {
                    value.Options ??= new EnumValueOptions();
                    ParseOption(value.Options);
                }
                while (Accept(","));
                Expect("]");
            }
            Expect(";");
            result.Value.Add(value);
        }
        if (result.Value.Count == 0)
        {
            throw At(name, $"Enums must contain at least one value.");
        }
        if (_proto3 && result.Value[0].Number != 0)
        {
            throw At(name, "The first enum value must be zero in proto3.");
        }
        if (result.Options?.AllowAlias != true)
        {
            var seen = new HashSet<int>();
            foreach (var value in result.Value)
            {
                if (!seen.Add(value.Number))
                {
                    throw At(name, $"\"{value.Name}\" uses the same enum value as another constant. If this is intended, set 'option allow_alias = true;' to the enum definition.");
                }
            }
        }
        return result;
    }

    private ServiceDescriptorProto ParseService(string scope)
    {
        var name = ExpectName("service name");
        var service = new ServiceDescriptorProto { Name = name.Text };
        Expect("{");
        while (!Accept("}"))
        {
            if (Accept(";"))
            {
                continue;
            }
            if (Peek.Is("option"))
            {
                Next();
                service.Options ??= new ServiceOptions();
                ParseOption(service.Options);
                Expect(";");
                continue;
            }
            if (!Peek.Is("rpc"))
            {
                throw At(Peek, $"Expected \"rpc\", found \"{Peek.Text}\".");
            }
            Next();
            var method = new MethodDescriptorProto { Name = ExpectName("method name").Text };
            Expect("(");
            if (Accept("stream"))
            {
                method.ClientStreaming = true;
            }
            var input = ExpectIdentifier("input type");
            Expect(")");
            if (!Accept("returns"))
            {
                throw At(Peek, "Expected \"returns\".");
            }
            Expect("(");
            if (Accept("stream"))
            {
                method.ServerStreaming = true;
            }
            var output = ExpectIdentifier("output type");
            Expect(")");
            _unresolvedMethods.Add((method, scope.TrimEnd('.'), input.Text, output.Text, input));
            if (Accept("{"))
            {
                while (!Accept("}"))
                {
                    if (Accept(";"))
                    {
                        continue;
                    }
                    if (!Peek.Is("option"))
                    {
                        throw At(Peek, "Expected \"option\" in method body.");
                    }
                    Next();
                    method.Options ??= new MethodOptions();
                    ParseOption(method.Options);
                    Expect(";");
                }
            }
            else
            {
                Expect(";");
            }
            service.Method.Add(method);
        }
        return service;
    }

    // ---------------------------------------------------------------- reserved, ranges

    private void ParseReserved<TRange>(Google.Protobuf.Collections.RepeatedField<TRange> ranges, Google.Protobuf.Collections.RepeatedField<string> names, Func<int, int, TRange> range, int max, bool enumRange = false)
    {
        if (Peek.Kind == ProtoTokenKind.String)
        {
            do
            {
                names.Add(ExpectString().Text);
            }
            while (Accept(","));
        }
        else
        {
            do
            {
                var (start, end) = ParseRange(max, enumRange);
                ranges.Add(range(start, end));
            }
            while (Accept(","));
        }
        Expect(";");
    }

    /// <summary>A range as the descriptor keeps it: start inclusive, end exclusive.</summary>
    private (int Start, int End) ParseRange(int max, bool allowNegative = false)
    {
        var start = RangeBound(max, allowNegative);
        var end = start;
        if (Accept("to"))
        {
            if (Accept("max"))
            {
                end = max;
            }
            else
            {
                end = RangeBound(max, allowNegative);
            }
        }
        if (end < start)
        {
            throw At(Peek, "Reserved range end number must be greater than start number.");
        }
        return (start, end == int.MaxValue ? end : end + 1);

        int RangeBound(int limit, bool negative)
        {
            var minus = negative && Accept("-");
            var token = Peek;
            if (token.Kind != ProtoTokenKind.Integer)
            {
                throw At(token, "Expected integer.");
            }
            Next();
            var value = ParseInteger(token) * (minus ? -1 : 1);
            if (value > limit || (!negative && value < 1))
            {
                throw At(token, "Integer out of range.");
            }
            return (int)value;
        }
    }

    // ---------------------------------------------------------------- options

    /// <summary>Parses <c>name = constant</c> (the caller consumed <c>option</c> and consumes the terminator).</summary>
    private void ParseOption(IMessage options)
    {
        var start = Peek;
        var parts = new List<UninterpretedOption.Types.NamePart>();
        while (true)
        {
            if (Accept("("))
            {
                var extension = ExpectIdentifier("option name");
                Expect(")");
                parts.Add(new UninterpretedOption.Types.NamePart { NamePart_ = extension.Text, IsExtension = true });
            }
            else
            {
                var simple = ExpectIdentifier("option name");
                foreach (var piece in simple.Text.Split('.', StringSplitOptions.RemoveEmptyEntries))
                {
                    parts.Add(new UninterpretedOption.Types.NamePart { NamePart_ = piece, IsExtension = false });
                }
            }
            // "(ext).sub" tokenizes as "(", "ext", ")", ".sub"; "(a).(b)" as "(", "a", ")", ".", "(", "b", ")".
            if (!(Peek.Kind == ProtoTokenKind.Identifier && Peek.Text.StartsWith('.')) && !Accept("."))
            {
                break;
            }
        }
        Expect("=");
        var value = ParseOptionValue();
        if (parts.Count == 1 && !parts[0].IsExtension && SetKnownOption(options, parts[0].NamePart_, value, start))
        {
            return;
        }
        if (parts.All(p => !p.IsExtension))
        {
            throw At(start, $"Option \"{string.Join(".", parts.Select(p => p.NamePart_))}\" unknown.");
        }
        var uninterpreted = value;
        uninterpreted.Name.AddRange(parts);
        var field = options.Descriptor.FindFieldByName("uninterpreted_option");
        ((Google.Protobuf.Collections.RepeatedField<UninterpretedOption>)field.Accessor.GetValue(options)).Add(uninterpreted);
    }

    private UninterpretedOption ParseOptionValue()
    {
        var option = new UninterpretedOption();
        var token = Peek;
        if (Accept("{"))
        {
            option.AggregateValue = AggregateText();
            return option;
        }
        var negative = Accept("-");
        if (!negative)
        {
            Accept("+");
        }
        token = Next();
        switch (token.Kind)
        {
            case ProtoTokenKind.Identifier when !negative || token.Text is "inf" or "nan":
                if (negative)
                {
                    option.DoubleValue = token.Text == "inf" ? double.NegativeInfinity : double.NaN;
                }
                else
                {
                    option.IdentifierValue = token.Text;
                }
                return option;
            case ProtoTokenKind.Integer:
                var integer = ParseUnsigned(token);
                if (negative)
                {
                    if (integer > (ulong)long.MaxValue + 1)
                    {
                        throw At(token, "Integer out of range.");
                    }
                    option.NegativeIntValue = integer == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)integer;
                }
                else
                {
                    option.PositiveIntValue = integer;
                }
                return option;
            case ProtoTokenKind.Float:
                var number = double.Parse(token.Text.TrimEnd('f', 'F'), NumberStyles.Float, CultureInfo.InvariantCulture);
                option.DoubleValue = negative ? -number : number;
                return option;
            case ProtoTokenKind.String when !negative:
                var text = token.Text;
                while (Peek.Kind == ProtoTokenKind.String)
                {
                    text += Next().Text;
                }
                option.StringValue = ByteString.CopyFromUtf8(text);
                return option;
            default:
                throw At(token, $"Expected option value, found \"{token.Text}\".");
        }
    }

    /// <summary>The text-format body of an aggregate option value, tokens joined by spaces (strings re-quoted).</summary>
    private string AggregateText()
    {
        var builder = new StringBuilder();
        var depth = 1;
        while (true)
        {
            var token = Next();
            if (token.Kind == ProtoTokenKind.End)
            {
                throw At(token, "Unexpected end of input in aggregate value.");
            }
            if (token.Is("{") || token.Is("["))
            {
                depth += token.Is("{") ? 1 : 0;
            }
            if (token.Is("}"))
            {
                depth--;
                if (depth == 0)
                {
                    return builder.ToString();
                }
            }
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }
            builder.Append(token.Kind == ProtoTokenKind.String ? ProtoPrinter.Quote(token.Text) : token.Text);
        }
    }

    private bool SetKnownOption(IMessage options, string name, UninterpretedOption value, ProtoToken at)
    {
        var field = options.Descriptor.FindFieldByName(name);
        if (field is null || field.IsRepeated || name == "uninterpreted_option")
        {
            return false;
        }
        object converted;
        switch (field.FieldType)
        {
            case FieldType.Bool:
                converted = value.IdentifierValue switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw At(at, $"Value must be \"true\" or \"false\" for boolean option \"{name}\"."),
                };
                break;
            case FieldType.String:
                if (!value.HasStringValue)
                {
                    throw At(at, $"Value must be quoted string for string option \"{name}\".");
                }
                converted = value.StringValue.ToStringUtf8();
                break;
            case FieldType.Enum:
                var enumValue = value.HasIdentifierValue ? field.EnumType.FindValueByName(value.IdentifierValue) : null;
                converted = enumValue is null
                    ? throw At(at, $"Enum type \"{field.EnumType.FullName}\" has no value named \"{value.IdentifierValue}\" for option \"{name}\".")
                    : Enum.ToObject(field.Accessor.GetValue(options).GetType(), enumValue.Number);
                break;
            default:
                return false;
        }
        field.Accessor.SetValue(options, converted);
        return true;
    }

    // ---------------------------------------------------------------- resolution

    private void Resolve(FileDescriptorProto file, IReadOnlyDictionary<string, FileDescriptorProto> imports)
    {
        var symbols = new ProtoSymbols();
        foreach (var dependency in file.Dependency)
        {
            if (!imports.TryGetValue(dependency, out var imported))
            {
                throw new InvalidSchemaException($"Invalid schema: import \"{dependency}\" was not found (register it and name it in the schema's references)");
            }
            symbols.AddWithDependencies(imported, imports);
        }
        symbols.Add(file);
        foreach (var (field, scope, name, at) in _unresolvedTypes)
        {
            var resolved = symbols.Resolve(name, scope) ?? throw At(at, $"\"{name}\" is not defined.");
            field.TypeName = resolved.FullName;
            if (!field.HasType)
            {
                field.Type = resolved.IsEnum ? Type.Enum : Type.Message;
            }
            if (resolved.IsEnum && field.HasDefaultValue && field.DefaultValue.StartsWith('-'))
            {
                throw At(at, "Default value for an enum field must be an identifier.");
            }
        }
        foreach (var (field, scope, name, at) in _unresolvedExtendees)
        {
            var resolved = symbols.Resolve(name, scope) ?? throw At(at, $"\"{name}\" is not defined.");
            if (resolved.IsEnum)
            {
                throw At(at, $"\"{name}\" is not a message type.");
            }
            field.Extendee = resolved.FullName;
        }
        foreach (var (method, scope, input, output, at) in _unresolvedMethods)
        {
            method.InputType = (symbols.Resolve(input, scope) ?? throw At(at, $"\"{input}\" is not defined.")).FullName;
            method.OutputType = (symbols.Resolve(output, scope) ?? throw At(at, $"\"{output}\" is not defined.")).FullName;
        }
    }

    // ---------------------------------------------------------------- checks and names

    private void CheckFields(DescriptorProto message, ProtoToken at)
    {
        var numbers = new Dictionary<int, string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in message.Field)
        {
            if (!numbers.TryAdd(field.Number, field.Name))
            {
                throw At(at, $"Field number {field.Number} has already been used in \"{message.Name}\" by field \"{numbers[field.Number]}\".");
            }
            if (!names.Add(field.Name))
            {
                throw At(at, $"\"{field.Name}\" is already defined in \"{message.Name}\".");
            }
            if (message.ReservedName.Contains(field.Name))
            {
                throw At(at, $"Field name \"{field.Name}\" is reserved.");
            }
            foreach (var range in message.ReservedRange)
            {
                if (field.Number >= range.Start && field.Number < range.End)
                {
                    throw At(at, $"Field \"{field.Name}\" uses reserved number {field.Number}.");
                }
            }
            if (_proto3 && field.HasDefaultValue)
            {
                throw At(at, "Explicit default values are not allowed in proto3.");
            }
        }
    }

    private int ExpectFieldNumber()
    {
        var token = Peek;
        if (token.Kind != ProtoTokenKind.Integer)
        {
            throw At(token, "Expected field number.");
        }
        Next();
        var number = ParseInteger(token);
        if (number is < 1 or > MaxFieldNumber)
        {
            throw At(token, $"Field numbers must be positive integers no greater than {MaxFieldNumber}.");
        }
        if (number is >= 19000 and <= 19999)
        {
            throw At(token, "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.");
        }
        return (int)number;
    }

    private long ParseInteger(ProtoToken token)
    {
        var value = ParseUnsigned(token);
        return value > long.MaxValue ? throw At(token, "Integer out of range.") : (long)value;
    }

    private static ulong ParseUnsigned(ProtoToken token)
    {
        var text = token.Text;
        try
        {
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                return ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
            if (text.Length > 1 && text[0] == '0')
            {
                ulong octal = 0;
                foreach (var c in text.AsSpan(1))
                {
                    if (c is < '0' or > '7')
                    {
                        throw At(token, $"Invalid octal number {text}.");
                    }
                    octal = checked((octal * 8) + (ulong)(c - '0'));
                }
                return octal;
            }
            return ulong.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw At(token, "Integer out of range.");
        }
    }

    /// <summary>protoc's JSON name: underscores removed, the letter after each one upper-cased.</summary>
    internal static string JsonName(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return builder.ToString();
    }

    /// <summary>protoc's map entry name: the field name in CamelCase plus <c>Entry</c>.</summary>
    internal static string MapEntryName(string field)
    {
        var builder = new StringBuilder(field.Length + 5);
        var upper = true;
        foreach (var c in field)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return builder.Append("Entry").ToString();
    }

    // ---------------------------------------------------------------- token helpers

    private ProtoToken Peek => _tokens[_position];

    private ProtoToken PeekAt(int ahead) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private ProtoToken Next()
    {
        var token = _tokens[_position];
        if (token.Kind != ProtoTokenKind.End)
        {
            _position++;
        }
        return token;
    }

    private bool Accept(string text)
    {
        if (Peek.Is(text))
        {
            _position++;
            return true;
        }
        return false;
    }

    private void Expect(string symbol)
    {
        if (!Accept(symbol))
        {
            throw At(Peek, Peek.Kind == ProtoTokenKind.End ? $"Expected \"{symbol}\", reached end of input." : $"Expected \"{symbol}\", found \"{Peek.Text}\".");
        }
    }

    private ProtoToken ExpectString()
    {
        var token = Peek;
        if (token.Kind != ProtoTokenKind.String)
        {
            throw At(token, "Expected string.");
        }
        Next();
        var text = token.Text;
        while (Peek.Kind == ProtoTokenKind.String)
        {
            text += Next().Text;
        }
        return token with { Text = text };
    }

    private ProtoToken ExpectIdentifier(string what)
    {
        var token = Peek;
        if (token.Kind != ProtoTokenKind.Identifier)
        {
            throw At(token, $"Expected {what}.");
        }
        return Next();
    }

    private ProtoToken ExpectName(string what)
    {
        var token = ExpectIdentifier(what);
        if (token.Text.Contains('.'))
        {
            throw At(token, $"Expected {what}, found the qualified name \"{token.Text}\".");
        }
        return token;
    }

    private void SkipBalanced(string open, string close)
    {
        var depth = 1;
        while (depth > 0)
        {
            var token = Next();
            if (token.Kind == ProtoTokenKind.End)
            {
                throw At(token, $"Expected \"{close}\", reached end of input.");
            }
            depth += token.Is(open) ? 1 : token.Is(close) ? -1 : 0;
        }
    }

    private static InvalidSchemaException At(ProtoToken token, string message) => ProtoTokenizer.Error(token.Line, token.Column, message);
}
