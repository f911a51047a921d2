using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using static Google.Protobuf.Reflection.FieldDescriptorProto.Types;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;

namespace Tributary.Schemas.Protobuf;

/// <summary>
/// Prints a <see cref="FileDescriptorProto"/> as .proto text: the registry's canonical form of a Protobuf schema (two
/// registrations that parse to the same descriptor print the same text, whatever their comments, whitespace, option
/// spelling or import of an already-qualified name). Layout: syntax, package, imports, file options, then messages,
/// enums, services and extensions in declaration order; inside a message its options, its fields in declaration order
/// (a oneof printed where its first field stands, maps as <c>map&lt;K, V&gt;</c>), reserved ranges and names, extension
/// ranges, then nested messages and enums. Type names are printed relative to the scope when that resolves back to the
/// same type, otherwise fully qualified. Two-space indentation, one statement per line. Thread-safe (stateless).
/// </summary>
public static class ProtoPrinter
{
    private static readonly string[] ScalarNames =
    [
        "", "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool", "string", "group", "message",
        "bytes", "uint32", "enum", "sfixed32", "sfixed64", "sint32", "sint64",
    ];

    public static string Print(FileDescriptorProto file, ProtoSymbols symbols)
    {
        var output = new StringBuilder();
        var proto3 = file.Syntax == "proto3";
        output.Append("syntax = \"").Append(proto3 ? "proto3" : "proto2").Append("\";\n");
        if (file.Package.Length > 0)
        {
            output.Append("package ").Append(file.Package).Append(";\n");
        }
        if (file.Dependency.Count > 0)
        {
            output.Append('\n');
            for (var i = 0; i < file.Dependency.Count; i++)
            {
                output.Append("import ");
                if (file.PublicDependency.Contains(i))
                {
                    output.Append("public ");
                }
                else if (file.WeakDependency.Contains(i))
                {
                    output.Append("weak ");
                }
                output.Append(Quote(file.Dependency[i])).Append(";\n");
            }
        }
        var fileOptions = Options(file.Options);
        if (fileOptions.Count > 0)
        {
            output.Append('\n');
            foreach (var option in fileOptions)
            {
                output.Append("option ").Append(option).Append(";\n");
            }
        }
        var context = new Printer(output, symbols, proto3);
        foreach (var message in file.MessageType)
        {
            output.Append('\n');
            context.Message(message, file.Package, 0);
        }
        foreach (var enumType in file.EnumType)
        {
            output.Append('\n');
            context.Enum(enumType, 0);
        }
        foreach (var service in file.Service)
        {
            output.Append('\n');
            context.Service(service, file.Package);
        }
        context.Extensions(file.Extension, file.Package, 0);
        return output.ToString();
    }

    /// <summary>A string literal with the escapes protoc reads (double quotes; UTF-8 kept as is, control bytes octal).</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ' or '\x7f': builder.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0')); break;
                default: builder.Append(c); break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>The options set on an options message as <c>name = value</c> texts: known fields in number order, then the uninterpreted ones.</summary>
    internal static List<string> Options(IMessage? options, bool skipMapEntry = false)
    {
        var result = new List<string>();
        if (options is null)
        {
            return result;
        }
        foreach (var field in options.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated || (skipMapEntry && field.Name == "map_entry") || !field.Accessor.HasValue(options))
            {
                continue;
            }
            var value = field.Accessor.GetValue(options);
            var text = value switch
            {
                bool b => b ? "true" : "false",
                string s => Quote(s),
                Enum e => field.EnumType.FindValueByNumber(Convert.ToInt32(e, CultureInfo.InvariantCulture))?.Name ?? Convert.ToInt32(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            };
            if (text is not null)
            {
                result.Add(field.Name + " = " + text);
            }
        }
        var uninterpreted = options.Descriptor.FindFieldByName("uninterpreted_option");
        if (uninterpreted?.Accessor.GetValue(options) is Google.Protobuf.Collections.RepeatedField<UninterpretedOption> list)
        {
            foreach (var option in list)
            {
                result.Add(OptionName(option) + " = " + OptionValue(option));
            }
        }
        return result;
    }

    private static string OptionName(UninterpretedOption option) =>
        string.Join(".", option.Name.Select(p => p.IsExtension ? "(" + p.NamePart_ + ")" : p.NamePart_));

    private static string OptionValue(UninterpretedOption option)
    {
        if (option.HasIdentifierValue)
        {
            return option.IdentifierValue;
        }
        if (option.HasPositiveIntValue)
        {
            return option.PositiveIntValue.ToString(CultureInfo.InvariantCulture);
        }
        if (option.HasNegativeIntValue)
        {
            return option.NegativeIntValue.ToString(CultureInfo.InvariantCulture);
        }
        if (option.HasDoubleValue)
        {
            return double.IsNaN(option.DoubleValue) ? "nan" : double.IsPositiveInfinity(option.DoubleValue) ? "inf" : double.IsNegativeInfinity(option.DoubleValue) ? "-inf" : option.DoubleValue.ToString("R", CultureInfo.InvariantCulture);
        }
        if (option.HasStringValue)
        {
            return Quote(option.StringValue.ToStringUtf8());
        }
        return "{ " + option.AggregateValue + " }";
    }

    private sealed class Printer(StringBuilder output, ProtoSymbols symbols, bool proto3)
    {
        public void Message(DescriptorProto message, string scope, int depth)
        {
            var fullName = scope.Length == 0 ? message.Name : scope + "." + message.Name;
            Indent(depth).Append("message ").Append(message.Name).Append(" {\n");
            var inner = depth + 1;
            foreach (var option in Options(message.Options))
            {
                Indent(inner).Append("option ").Append(option).Append(";\n");
            }
            var printedOneofs = new HashSet<int>();
            foreach (var field in message.Field)
            {
                if (field.HasOneofIndex && !field.Proto3Optional)
                {
                    if (printedOneofs.Add(field.OneofIndex))
                    {
                        var oneof = message.OneofDecl[field.OneofIndex];
                        Indent(inner).Append("oneof ").Append(oneof.Name).Append(" {\n");
                        foreach (var option in Options(oneof.Options))
                        {
                            Indent(inner + 1).Append("option ").Append(option).Append(";\n");
                        }
                        foreach (var member in message.Field)
                        {
                            if (member.HasOneofIndex && member.OneofIndex == field.OneofIndex && !member.Proto3Optional)
                            {
                                Field(member, message, fullName, inner + 1, inOneof: true);
                            }
                        }
                        Indent(inner).Append("}\n");
                    }
                    continue;
                }
                Field(field, message, fullName, inner, inOneof: false);
            }
            foreach (var range in message.ReservedRange)
            {
                Indent(inner).Append("reserved ").Append(Range(range.Start, range.End - 1, 536_870_911)).Append(";\n");
            }
            foreach (var name in message.ReservedName)
            {
                Indent(inner).Append("reserved ").Append(Quote(name)).Append(";\n");
            }
            foreach (var range in message.ExtensionRange)
            {
                Indent(inner).Append("extensions ").Append(Range(range.Start, range.End - 1, 536_870_911)).Append(";\n");
            }
            foreach (var nested in message.NestedType)
            {
                if (nested.Options?.MapEntry != true)
                {
                    Message(nested, fullName, inner);
                }
            }
            foreach (var enumType in message.EnumType)
            {
                Enum(enumType, inner);
            }
            Extensions(message.Extension, fullName, inner);
            Indent(depth).Append("}\n");
        }

        public void Enum(EnumDescriptorProto enumType, int depth)
        {
            Indent(depth).Append("enum ").Append(enumType.Name).Append(" {\n");
            foreach (var option in Options(enumType.Options))
            {
                Indent(depth + 1).Append("option ").Append(option).Append(";\n");
            }
            foreach (var value in enumType.Value)
            {
                Indent(depth + 1).Append(value.Name).Append(" = ").Append(value.Number.ToString(CultureInfo.InvariantCulture));
                var options = Options(value.Options);
                if (options.Count > 0)
                {
                    output.Append(" [").Append(string.Join(", ", options)).Append(']');
                }
                output.Append(";\n");
            }
            foreach (var range in enumType.ReservedRange)
            {
                Indent(depth + 1).Append("reserved ").Append(Range(range.Start, range.End, int.MaxValue)).Append(";\n");
            }
            foreach (var name in enumType.ReservedName)
            {
                Indent(depth + 1).Append("reserved ").Append(Quote(name)).Append(";\n");
            }
            Indent(depth).Append("}\n");
        }

        public void Service(ServiceDescriptorProto service, string scope)
        {
            output.Append("service ").Append(service.Name).Append(" {\n");
            foreach (var option in Options(service.Options))
            {
                Indent(1).Append("option ").Append(option).Append(";\n");
            }
            foreach (var method in service.Method)
            {
                Indent(1).Append("rpc ").Append(method.Name).Append('(').Append(method.ClientStreaming ? "stream " : "")
                    .Append(TypeName(method.InputType, scope)).Append(") returns (").Append(method.ServerStreaming ? "stream " : "")
                    .Append(TypeName(method.OutputType, scope)).Append(')');
                var options = Options(method.Options);
                if (options.Count == 0)
                {
                    output.Append(";\n");
                    continue;
                }
                output.Append(" {\n");
                foreach (var option in options)
                {
                    Indent(2).Append("option ").Append(option).Append(";\n");
                }
                Indent(1).Append("}\n");
            }
            output.Append("}\n");
        }

        public void Extensions(IEnumerable<FieldDescriptorProto> extensions, string scope, int depth)
        {
            foreach (var group in extensions.GroupBy(e => e.Extendee))
            {
                if (depth == 0)
                {
                    output.Append('\n');
                }
                Indent(depth).Append("extend ").Append(TypeName(group.Key, scope)).Append(" {\n");
                foreach (var field in group)
                {
                    Field(field, null, scope, depth + 1, inOneof: false);
                }
                Indent(depth).Append("}\n");
            }
        }

        private void Field(FieldDescriptorProto field, DescriptorProto? message, string scope, int depth, bool inOneof)
        {
            Indent(depth);
            var mapEntry = field.Label == Label.Repeated && field.Type == Type.Message && message is not null
                ? message.NestedType.FirstOrDefault(n => n.Options?.MapEntry == true && "." + scope + "." + n.Name == field.TypeName)
                : null;
            if (mapEntry is not null)
            {
                output.Append("map<").Append(FieldType(mapEntry.Field[0], scope)).Append(", ").Append(FieldType(mapEntry.Field[1], scope)).Append("> ");
            }
            else
            {
                if (!inOneof)
                {
                    if (field.Label == Label.Repeated)
                    {
                        output.Append("repeated ");
                    }
                    else if (field.Label == Label.Required)
                    {
                        output.Append("required ");
                    }
                    else if (!proto3 || field.Proto3Optional || field.HasExtendee)
                    {
                        output.Append("optional ");
                    }
                }
                output.Append(FieldType(field, scope)).Append(' ');
            }
            output.Append(field.Name).Append(" = ").Append(field.Number.ToString(CultureInfo.InvariantCulture));
            var options = new List<string>();
            if (field.HasDefaultValue)
            {
                options.Add("default = " + (field.Type is Type.String or Type.Bytes ? Quote(field.DefaultValue) : field.DefaultValue));
            }
            if (field.HasJsonName && field.JsonName != ProtoParser.JsonName(field.Name))
            {
                options.Add("json_name = " + Quote(field.JsonName));
            }
            options.AddRange(Options(field.Options));
            if (options.Count > 0)
            {
                output.Append(" [").Append(string.Join(", ", options)).Append(']');
            }
            output.Append(";\n");
        }

        private string FieldType(FieldDescriptorProto field, string scope) =>
            field.Type is Type.Message or Type.Enum || (field.HasTypeName && !field.HasType) ? TypeName(field.TypeName, scope) : ScalarNames[(int)field.Type];

        /// <summary>The shortest suffix of a full name that resolves to the same type from <paramref name="scope"/>.</summary>
        private string TypeName(string fullName, string scope)
        {
            var parts = fullName.TrimStart('.').Split('.');
            for (var take = 1; take <= parts.Length; take++)
            {
                var candidate = string.Join('.', parts[^take..]);
                if (symbols.Resolve(candidate, scope)?.FullName == fullName)
                {
                    return candidate;
                }
            }
            return fullName;
        }

        private static string Range(int start, int end, int max) =>
            start == end ? start.ToString(CultureInfo.InvariantCulture)
            : start.ToString(CultureInfo.InvariantCulture) + " to " + (end >= max ? "max" : end.ToString(CultureInfo.InvariantCulture));

        private StringBuilder Indent(int depth) => output.Append(' ', depth * 2);
    }
}
