using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Schemas.Protobuf;
using static Google.Protobuf.Reflection.FieldDescriptorProto.Types;
using ConnectDate = Tributary.Connect.Data.Date;
using ConnectDecimal = Tributary.Connect.Data.Decimal;
using ConnectSchema = Tributary.Connect.Data.Schema;
using ConnectTime = Tributary.Connect.Data.Time;
using ConnectTimestamp = Tributary.Connect.Data.Timestamp;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;

namespace Tributary.Connect.Registry.Protobuf;

/// <summary>
/// Connect schemas ↔ Protobuf as Confluent's ProtobufData maps them. Writing: a struct becomes a proto3 message named
/// after the Connect name (the part before the last dot is the package; unnamed: <c>ConnectDefault1</c>), its fields
/// numbered from 1 in order; INT8/INT16 are int32 with the <c>connect.type</c> parameter in
/// <c>(confluent.field_meta)</c>; optional primitives are plain fields, or google.protobuf wrappers with
/// <c>wrapper.for.nullables</c>, or proto3 <c>optional</c> with <c>optional.for.nullables</c>; nested structs are nested
/// messages; arrays are repeated; maps with primitive keys are protobuf maps; Decimal is confluent.type.Decimal (scale
/// and precision also as parameters), Date google.type.Date, Time google.type.TimeOfDay, Timestamp
/// google.protobuf.Timestamp; a struct named <c>io.confluent.connect.protobuf.Union.NAME</c> is <c>oneof NAME</c>; a
/// STRING or INT32 with the <c>io.confluent.connect.protobuf.Enum</c> parameters is an enum.
/// Reading: a message becomes a struct named by its name (its full name with <c>enhanced.protobuf.schema.support</c>),
/// each oneof first as a field <c>NAME_INDEX</c> (<c>NAME</c> without <c>generate.index.for.unions</c>) holding such a
/// union struct, then the other fields; scalars map to their Connect types (unsigned and fixed 32-bit ones to INT64),
/// enums to STRING (INT32 with <c>int.for.enums</c>) with the enum parameters, proto3/proto2 optional fields to optional
/// ones, the well-known messages above back to their logical types; every field schema carries its number as
/// <c>io.confluent.connect.protobuf.Tag</c>, which writing honours. Thread-safe (stateless).
/// </summary>
internal static partial class ProtobufData
{
    public const string ConnectTypeParameter = "connect.type";
    public const string DecimalPrecision = "connect.decimal.precision";
    public const string DecimalScale = "connect.decimal.scale";
    private const string MetaImport = "confluent/meta.proto";

    /// <summary>The Connect struct name of a oneof is this, a dot and the oneof's name (ProtobufData's PROTOBUF_TYPE_UNION).</summary>
    public const string UnionName = "io.confluent.connect.protobuf.Union";

    /// <summary>The parameter that carries a field's number on its Connect schema (ProtobufData's PROTOBUF_TYPE_TAG); writing honours it.</summary>
    public const string TagParameter = "io.confluent.connect.protobuf.Tag";

    /// <summary>
    /// The parameter that marks a Connect STRING (or INT32) schema as a Protobuf enum, holding the enum's name
    /// (ProtobufData's PROTOBUF_TYPE_ENUM); each constant is a further parameter, this name, a dot and the constant's
    /// name, holding its number (<c>io.confluent.connect.protobuf.Enum.ACTIVE</c> = <c>1</c>).
    /// </summary>
    public const string EnumParameter = "io.confluent.connect.protobuf.Enum";

    private const string EnumConstantPrefix = EnumParameter + ".";

    /// <summary>
    /// The parameter naming the protobuf scalar type behind an INT32 or INT64 Connect schema when it is not int32/int64
    /// (ProtobufData's PROTOBUF_TYPE_PROP: <c>sint32</c>, <c>sfixed32</c>; <c>uint32</c>, <c>fixed32</c>, <c>sint64</c>,
    /// <c>uint64</c>, <c>fixed64</c>, <c>sfixed64</c>), so that writing a value read gives the field its type again.
    /// </summary>
    public const string TypeParameter = "io.confluent.connect.protobuf.Type";

    // ---------------------------------------------------------------- Connect → Protobuf

    /// <summary>The .proto text of a Connect struct schema and the full name of its message.</summary>
    public static (string Text, string FullName) FromConnect(ConnectSchema schema, ProtobufDataOptions options)
    {
        if (schema.Type != SchemaType.Struct)
        {
            throw new DataException($"ProtobufConverter writes struct values; the schema is {schema.Type}");
        }
        var fullName = Sanitize(schema.Name ?? "ConnectDefault1", allowDots: true);
        var dot = fullName.LastIndexOf('.');
        var file = new FileDescriptorProto { Name = ProtobufSchema.DefaultFileName, Syntax = "proto3" };
        if (dot > 0)
        {
            file.Package = fullName[..dot];
        }
        var builder = new Builder(file, options.WrapperForNullables, options.OptionalForNullables);
        file.MessageType.Add(builder.Message(schema, fullName[(dot + 1)..], "." + fullName));
        var symbols = new ProtoSymbols();
        foreach (var dependency in file.Dependency)
        {
            symbols.AddWithDependencies(WellKnownProtos.Files[dependency], WellKnownProtos.Files);
        }
        symbols.Add(file);
        return (ProtoPrinter.Print(file, symbols), fullName);
    }

    private sealed class Builder(FileDescriptorProto file, bool wrapperForNullables, bool optionalForNullables)
    {
        /// <summary>
        /// A message of a Connect struct. Fields take the number their <c>io.confluent.connect.protobuf.Tag</c> parameter
        /// gives (a schema read by this converter or Confluent's carries them), the others the next free number from 1 in
        /// field order. A field holding a union struct (<c>io.confluent.connect.protobuf.Union.NAME</c>) becomes
        /// <c>oneof NAME</c> with one member per union field.
        /// </summary>
        public DescriptorProto Message(ConnectSchema schema, string name, string fullName)
        {
            var message = new DescriptorProto { Name = name };
            var used = new HashSet<int>();
            foreach (var field in schema.Fields)
            {
                foreach (var member in IsUnion(field.Schema) ? field.Schema.Fields : [field])
                {
                    if (TagOf(member.Schema) is { } tag && !used.Add(tag))
                    {
                        throw new DataException($"ProtobufConverter cannot write {fullName}: field number {tag} is given twice");
                    }
                }
            }
            var next = 1;
            int Number(ConnectSchema fieldSchema)
            {
                if (TagOf(fieldSchema) is { } tag)
                {
                    return tag;
                }
                while (!used.Add(next))
                {
                    next++;
                }
                return next++;
            }
            foreach (var field in schema.Fields)
            {
                if (!IsUnion(field.Schema))
                {
                    message.Field.Add(Field(message, fullName, field.Name, field.Schema, Number(field.Schema), repeated: false));
                    continue;
                }
                var oneofIndex = message.OneofDecl.Count;
                message.OneofDecl.Add(new OneofDescriptorProto { Name = OneofName(field) });
                foreach (var member in field.Schema.Fields)
                {
                    if (member.Schema.Type is SchemaType.Array or SchemaType.Map || IsUnion(member.Schema))
                    {
                        throw new DataException($"ProtobufConverter cannot write oneof member {member.Name}: a oneof holds no repeated fields, maps or oneofs");
                    }
                    var protoField = Field(message, fullName, member.Name, member.Schema, Number(member.Schema), repeated: false);
                    protoField.ClearProto3Optional(); // members have presence already; proto3 forbids optional inside a oneof
                    protoField.OneofIndex = oneofIndex;
                    message.Field.Add(protoField);
                }
            }
            return message;
        }

        private FieldDescriptorProto Field(DescriptorProto parent, string parentName, string name, ConnectSchema schema, int number, bool repeated)
        {
            var field = new FieldDescriptorProto { Name = Sanitize(name, allowDots: false), Number = number, Label = repeated ? Label.Repeated : Label.Optional };
            switch (schema.Name)
            {
                case ConnectDecimal.LogicalName:
                    Import("confluent/type/decimal.proto");
                    field.Type = Type.Message;
                    field.TypeName = ".confluent.type.Decimal";
                    var parameters = new List<(string, string)> { (DecimalScale, ConnectDecimal.ScaleOf(schema).ToString(CultureInfo.InvariantCulture)) };
                    if (schema.Parameters?.TryGetValue(DecimalPrecision, out var precision) == true)
                    {
                        parameters.Add((DecimalPrecision, precision));
                    }
                    Meta(field, [.. parameters]);
                    return field;
                case ConnectDate.LogicalName:
                    return Named(field, "google/type/date.proto", ".google.type.Date");
                case ConnectTime.LogicalName:
                    return Named(field, "google/type/timeofday.proto", ".google.type.TimeOfDay");
                case ConnectTimestamp.LogicalName:
                    return Named(field, "google/protobuf/timestamp.proto", ".google.protobuf.Timestamp");
            }
            if (IsEnum(schema))
            {
                return Enum(parent, parentName, field, schema, allowOptional: !repeated);
            }
            switch (schema.Type)
            {
                case SchemaType.Struct:
                    {
                        var nestedName = Sanitize(schema.Name is { } structName ? structName[(structName.LastIndexOf('.') + 1)..] : Capitalize(name), allowDots: false);
                        var existing = parent.NestedType.FirstOrDefault(n => n.Name == nestedName);
                        if (existing is null)
                        {
                            parent.NestedType.Add(Message(schema, nestedName, parentName + "." + nestedName));
                        }
                        field.Type = Type.Message;
                        field.TypeName = parentName + "." + nestedName;
                        return field;
                    }
                case SchemaType.Array:
                    if (repeated || schema.ValueSchema.Type is SchemaType.Array or SchemaType.Map)
                    {
                        throw new DataException($"ProtobufConverter cannot write field {name}: arrays of arrays or maps are not supported");
                    }
                    return Field(parent, parentName, name, schema.ValueSchema, number, repeated: true);
                case SchemaType.Map:
                    {
                        if (repeated || schema.KeySchema.Type is not (SchemaType.String or SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32 or SchemaType.Int64 or SchemaType.Boolean)
                            || schema.KeySchema.Name is not null || schema.ValueSchema.Type is SchemaType.Array or SchemaType.Map)
                        {
                            throw new DataException($"ProtobufConverter cannot write field {name}: map keys must be strings, integers or booleans, values not arrays or maps");
                        }
                        var entryName = ProtoMapEntryName(field.Name);
                        var entry = new DescriptorProto { Name = entryName, Options = new MessageOptions { MapEntry = true } };
                        var entryFullName = parentName + "." + entryName;
                        entry.Field.Add(Scalar(new FieldDescriptorProto { Name = "key", Number = 1, Label = Label.Optional }, schema.KeySchema, allowWrapper: false));
                        entry.Field.Add(Field(entry, entryFullName, "value", schema.ValueSchema, 2, repeated: false));
                        // Nested messages and enums of the value live beside the entry, in the parent (protoc allows no
                        // types in an entry).
                        foreach (var nested in entry.NestedType.ToArray())
                        {
                            if (parent.NestedType.All(n => n.Name != nested.Name))
                            {
                                parent.NestedType.Add(nested);
                            }
                            entry.NestedType.Remove(nested);
                            entry.Field[1].TypeName = parentName + "." + nested.Name;
                        }
                        foreach (var nested in entry.EnumType.ToArray())
                        {
                            if (parent.EnumType.All(n => n.Name != nested.Name))
                            {
                                parent.EnumType.Add(nested);
                            }
                            entry.EnumType.Remove(nested);
                            entry.Field[1].TypeName = parentName + "." + nested.Name;
                        }
                        parent.NestedType.Add(entry);
                        field.Label = Label.Repeated;
                        field.Type = Type.Message;
                        field.TypeName = entryFullName;
                        return field;
                    }
                default:
                    return Scalar(field, schema, allowWrapper: !repeated);
            }
        }

        private FieldDescriptorProto Scalar(FieldDescriptorProto field, ConnectSchema schema, bool allowWrapper)
        {
            var (type, wrapper) = schema.Type switch
            {
                SchemaType.Int8 or SchemaType.Int16 or SchemaType.Int32 => (Type.Int32, "Int32Value"),
                SchemaType.Int64 => (Type.Int64, "Int64Value"),
                SchemaType.Float32 => (Type.Float, "FloatValue"),
                SchemaType.Float64 => (Type.Double, "DoubleValue"),
                SchemaType.Boolean => (Type.Bool, "BoolValue"),
                SchemaType.String => (Type.String, "StringValue"),
                SchemaType.Bytes => (Type.Bytes, "BytesValue"),
                _ => throw new DataException($"ProtobufConverter cannot write a {schema.Type} field"),
            };
            if (schema.Parameters?.TryGetValue(TypeParameter, out var declared) == true && DeclaredScalar(schema.Type, declared) is { } scalar)
            {
                (type, wrapper) = scalar;
            }
            if (schema.Type is SchemaType.Int8 or SchemaType.Int16)
            {
                Meta(field, (ConnectTypeParameter, schema.Type == SchemaType.Int8 ? "int8" : "int16"));
            }
            if (allowWrapper && schema.IsOptional && wrapperForNullables)
            {
                return Named(field, "google/protobuf/wrappers.proto", ".google.protobuf." + wrapper);
            }
            field.Type = type;
            if (allowWrapper && schema.IsOptional && optionalForNullables)
            {
                field.Proto3Optional = true;
            }
            return field;
        }

        /// <summary>
        /// An enum field (ProtobufData's rule): the enum is declared in the message holding the field, named by the
        /// <c>io.confluent.connect.protobuf.Enum</c> parameter (its last part; the schema's name or the capitalized field
        /// name when empty), with one constant per <c>io.confluent.connect.protobuf.Enum.NAME</c> parameter in parameter
        /// order, except that the first constant numbered 0 is moved first (proto3 wants the default first). Two fields of
        /// one enum share the declaration. Optional fields become proto3 <c>optional</c> with <c>optional.for.nullables</c>;
        /// enums have no wrapper message.
        /// </summary>
        private FieldDescriptorProto Enum(DescriptorProto parent, string parentName, FieldDescriptorProto field, ConnectSchema schema, bool allowOptional)
        {
            var parameters = schema.Parameters!;
            var declared = parameters[EnumParameter];
            var source = declared.Length > 0 ? declared : schema.Name ?? Capitalize(field.Name);
            var enumName = Sanitize(source[(source.LastIndexOf('.') + 1)..], allowDots: false);
            if (parent.EnumType.All(e => e.Name != enumName))
            {
                parent.EnumType.Add(EnumFromParameters(enumName, parameters, field.Name));
            }
            field.Type = Type.Enum;
            field.TypeName = parentName + "." + enumName;
            if (allowOptional && schema.IsOptional && optionalForNullables)
            {
                field.Proto3Optional = true;
            }
            return field;
        }

        private FieldDescriptorProto Named(FieldDescriptorProto field, string import, string typeName)
        {
            Import(import);
            field.Type = Type.Message;
            field.TypeName = typeName;
            return field;
        }

        private void Meta(FieldDescriptorProto field, params (string Key, string Value)[] parameters)
        {
            Import(MetaImport);
            field.Options ??= new FieldOptions();
            var option = new UninterpretedOption
            {
                AggregateValue = "params : [ " + string.Join(" , ", parameters.Select(p => $"{{ key : {ProtoPrinter.Quote(p.Key)} , value : {ProtoPrinter.Quote(p.Value)} }}")) + " ]",
            };
            option.Name.Add(new UninterpretedOption.Types.NamePart { NamePart_ = "confluent.field_meta", IsExtension = true });
            field.Options.UninterpretedOption.Add(option);
        }

        private void Import(string path)
        {
            if (!file.Dependency.Contains(path))
            {
                file.Dependency.Add(path);
            }
        }
    }

    /// <summary>
    /// The protobuf type (and wrapper message) an <c>io.confluent.connect.protobuf.Type</c> parameter names for a Connect
    /// INT32 or INT64 schema; null for a name that does not fit the Connect type (which then writes int32/int64).
    /// </summary>
    private static (Type Type, string Wrapper)? DeclaredScalar(SchemaType connectType, string declared) => (connectType, declared) switch
    {
        (SchemaType.Int32, "int32") => (Type.Int32, "Int32Value"),
        (SchemaType.Int32, "sint32") => (Type.Sint32, "Int32Value"),
        (SchemaType.Int32, "sfixed32") => (Type.Sfixed32, "Int32Value"),
        (SchemaType.Int64, "int64") => (Type.Int64, "Int64Value"),
        (SchemaType.Int64, "sint64") => (Type.Sint64, "Int64Value"),
        (SchemaType.Int64, "sfixed64") => (Type.Sfixed64, "Int64Value"),
        (SchemaType.Int64, "uint32") => (Type.Uint32, "UInt32Value"),
        (SchemaType.Int64, "fixed32") => (Type.Fixed32, "UInt32Value"),
        (SchemaType.Int64, "uint64") => (Type.Uint64, "UInt64Value"),
        (SchemaType.Int64, "fixed64") => (Type.Fixed64, "UInt64Value"),
        _ => null,
    };

    /// <summary>A STRING or INT32 schema carrying ProtobufData's enum parameter.</summary>
    private static bool IsEnum(ConnectSchema schema) =>
        schema.Type is SchemaType.String or SchemaType.Int32 && schema.Parameters?.ContainsKey(EnumParameter) == true;

    private static EnumDescriptorProto EnumFromParameters(string name, IReadOnlyDictionary<string, string> parameters, string fieldName)
    {
        var result = new EnumDescriptorProto { Name = name };
        var numbers = new HashSet<int>();
        foreach (var (key, value) in parameters)
        {
            if (!key.StartsWith(EnumConstantPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var constant = key[EnumConstantPrefix.Length..];
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                throw new DataException($"ProtobufConverter cannot write enum {name} of field {fieldName}: constant {constant} has number '{value}'");
            }
            if (constant.Length == 0 || Sanitize(constant, allowDots: false) != constant)
            {
                throw new DataException($"ProtobufConverter cannot write enum {name} of field {fieldName}: '{constant}' is not a Protobuf identifier");
            }
            var entry = new EnumValueDescriptorProto { Name = constant, Number = number };
            if (number == 0 && !numbers.Contains(0))
            {
                result.Value.Insert(0, entry);
            }
            else
            {
                result.Value.Add(entry);
            }
            if (!numbers.Add(number))
            {
                // Two names for one number: protoc accepts that only with allow_alias.
                result.Options = new EnumOptions { AllowAlias = true };
            }
        }
        if (!numbers.Contains(0))
        {
            throw new DataException($"ProtobufConverter cannot write enum {name} of field {fieldName}: a proto3 enum needs a constant numbered 0 (parameter {EnumConstantPrefix}NAME = 0)");
        }
        return result;
    }

    private static bool IsUnion(ConnectSchema schema) =>
        schema.Type == SchemaType.Struct && schema.Name is { } name && name.StartsWith(UnionName, StringComparison.Ordinal);

    /// <summary>The oneof a union field stands for: the last part of its struct's name after the union prefix (ProtobufData's rule), else the field's name.</summary>
    private static string OneofName(Field field)
    {
        var name = field.Schema.Name!;
        var suffix = name.Length > UnionName.Length + 1 && name[UnionName.Length] == '.' ? name[(UnionName.Length + 1)..] : field.Name;
        return Sanitize(suffix[(suffix.LastIndexOf('.') + 1)..], allowDots: false);
    }

    private static int? TagOf(ConnectSchema schema) =>
        schema.Parameters?.TryGetValue(TagParameter, out var tag) == true && int.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number : null;

    private static string ProtoMapEntryName(string field) => string.Concat(field.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(Capitalize)) + "Entry";

    private static string Capitalize(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>A protobuf identifier: letters, digits and underscores (dots between parts when allowed), not starting with a digit.</summary>
    private static string Sanitize(string name, bool allowDots)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' || (allowDots && c == '.') ? c : '_').ToArray();
        var result = new string(chars);
        return result.Length == 0 || char.IsAsciiDigit(result[0]) ? "_" + result : result;
    }

    // ---------------------------------------------------------------- Protobuf → Connect

    /// <summary>The message a Confluent message-index path names (the first index among the file's top-level messages, the next among that one's nested messages).</summary>
    public static (DescriptorProto Message, string FullName) MessageAt(ProtobufSchema schema, IReadOnlyList<int> indexes)
    {
        var file = schema.File;
        var prefix = file.Package.Length == 0 ? "." : "." + file.Package + ".";
        var candidates = file.MessageType;
        DescriptorProto? message = null;
        var fullName = "";
        foreach (var index in indexes)
        {
            if (index < 0 || index >= candidates.Count)
            {
                throw new DataException($"Message index {string.Join(",", indexes)} does not name a message of the schema");
            }
            message = candidates[index];
            fullName = (fullName.Length == 0 ? prefix : fullName + ".") + message.Name;
            candidates = message.NestedType;
        }
        return (message ?? throw new DataException("Empty message index"), fullName);
    }

    /// <summary>The plan (and Connect schema) of a message of a parsed schema.</summary>
    public static ProtobufMessagePlan ToConnect(ProtobufSchema schema, DescriptorProto message, string fullName, ProtobufDataOptions options) =>
        new Reader(schema, options).Message(message, fullName, optional: false);

    private sealed class Reader(ProtobufSchema schema, ProtobufDataOptions options)
    {
        private readonly HashSet<string> _building = [];

        /// <summary>
        /// The Connect name of a message or enum given its full name (leading dot): its own name, or with
        /// <c>enhanced.protobuf.schema.support</c> the full name (package and enclosing messages kept, so that writing
        /// it back restores the package).
        /// </summary>
        private string ConnectName(string fullName) =>
            options.EnhancedSchemaSupport ? fullName.TrimStart('.') : fullName[(fullName.LastIndexOf('.') + 1)..];

        /// <param name="tag">The number of the field holding the message (its Connect struct carries it as a parameter, as
        /// every field schema read does); 0 for the top-level message and array elements.</param>
        public ProtobufMessagePlan Message(DescriptorProto message, string fullName, bool optional, int tag = 0)
        {
            if (!_building.Add(fullName))
            {
                throw new DataException($"Message {fullName} is recursive; Connect schemas cannot be");
            }
            var builder = Tagged(SchemaBuilder.Struct().Name(ConnectName(fullName)), tag);
            if (optional)
            {
                builder.Optional();
            }
            var proto3 = schema.File.Syntax == "proto3" || schema.Symbols.Find(fullName)?.File != schema.File.Name;
            var pending = new List<Func<Field, ProtobufFieldPlan>>();
            // Real oneofs first, as ProtobufData lays them out: a field NAME_INDEX holding an optional struct named
            // io.confluent.connect.protobuf.Union.NAME with the members as optional fields. Synthetic oneofs (proto3
            // optional) have no members here: their fields are ordinary optional fields.
            for (var index = 0; index < message.OneofDecl.Count; index++)
            {
                var oneofIndex = index;
                var members = message.Field.Where(f => f.HasOneofIndex && f.OneofIndex == oneofIndex && !f.Proto3Optional).ToList();
                if (members.Count == 0)
                {
                    continue;
                }
                var oneofName = message.OneofDecl[index].Name;
                var union = SchemaBuilder.Struct().Name(UnionName + "." + (options.EnhancedSchemaSupport ? ConnectName(fullName) + "." + oneofName : oneofName)).Optional();
                var memberPlans = new List<Func<Field, ProtobufFieldPlan>>();
                foreach (var member in members)
                {
                    var (memberSchema, memberPlan) = FieldPlan(member, optional: true);
                    union.Field(member.Name, memberSchema);
                    memberPlans.Add(memberPlan);
                }
                var unionSchema = union.Build();
                builder.Field(options.GenerateIndexForUnions ? oneofName + "_" + index.ToString(CultureInfo.InvariantCulture) : oneofName, unionSchema);
                pending.Add(connect =>
                {
                    var oneof = new ProtobufFieldPlan
                    {
                        Number = 0,
                        Kind = ProtobufKind.Oneof,
                        Connect = connect,
                        OneofName = oneofName,
                        Members = [.. memberPlans.Select((plan, i) => plan(unionSchema.Fields[i]))],
                    };
                    foreach (var member in oneof.Members)
                    {
                        member.Oneof = oneof;
                    }
                    return oneof;
                });
            }
            foreach (var field in message.Field)
            {
                if (field.HasOneofIndex && !field.Proto3Optional)
                {
                    continue;
                }
                var optionalField = field.Proto3Optional || (!proto3 && field.Label == Label.Optional);
                var (connect, plan) = FieldPlan(field, optionalField);
                builder.Field(field.Name, connect);
                pending.Add(plan);
            }
            var struct_ = builder.Build();
            var fields = new ProtobufFieldPlan[pending.Count];
            for (var i = 0; i < pending.Count; i++)
            {
                fields[i] = pending[i](struct_.Fields[i]);
            }
            var result = new ProtobufMessagePlan { Connect = struct_, Fields = fields };
            foreach (var field in fields)
            {
                foreach (var numbered in field.Kind == ProtobufKind.Oneof ? field.Members : [field])
                {
                    result.ByNumber[numbered.Number] = numbered;
                }
            }
            _building.Remove(fullName);
            return result;
        }

        /// <param name="tagged">Whether the schema carries the field's number (not for an array's element, whose array does).</param>
        private (ConnectSchema Schema, Func<Field, ProtobufFieldPlan> Plan) FieldPlan(FieldDescriptorProto field, bool optional, bool tagged = true)
        {
            var number = field.Number;
            var tag = tagged ? number : 0;
            if (field.Label == Label.Repeated && field.Type == Type.Message && schema.Symbols.Find(field.TypeName) is { IsMapEntry: true } entry)
            {
                var (keySchema, keyPlan) = FieldPlan(entry.Message!.Field[0], optional: false);
                var (valueSchema, valuePlan) = FieldPlan(entry.Message.Field[1], optional: entry.Message.Field[1].Type == Type.Message);
                var map = Tagged(SchemaBuilder.Map(keySchema, valueSchema), tag).Build();
                var keyField = new Field("key", 0, keySchema);
                var valueField = new Field("value", 1, valueSchema);
                return (map, connect => new ProtobufFieldPlan
                {
                    Number = number,
                    Kind = ProtobufKind.Map,
                    Connect = connect,
                    Repeated = true,
                    Key = keyPlan(keyField),
                    Value = valuePlan(valueField),
                });
            }
            if (field.Label == Label.Repeated)
            {
                var single = field.Clone();
                single.Label = Label.Optional;
                var (elementSchema, elementPlan) = FieldPlan(single, optional: false, tagged: false);
                var array = Tagged(SchemaBuilder.Array(elementSchema), tag).Build();
                var elementField = new Field(field.Name, 0, elementSchema);
                var packed = field.Options?.HasPacked == true ? field.Options.Packed : schema.File.Syntax == "proto3";
                return (array, connect =>
                {
                    var element = elementPlan(elementField);
                    return new ProtobufFieldPlan
                    {
                        Number = number,
                        Kind = element.Kind,
                        Connect = connect,
                        Repeated = true,
                        Packed = packed && element.Kind is not (ProtobufKind.String or ProtobufKind.Bytes or ProtobufKind.Message or ProtobufKind.Wrapper
                            or ProtobufKind.Decimal or ProtobufKind.Date or ProtobufKind.Time or ProtobufKind.Timestamp),
                        Message = element.Message,
                        Value = element.Value,
                        EnumNames = element.EnumNames,
                        EnumNumbers = element.EnumNumbers,
                        ElementConnect = elementField,
                    };
                }
                );
            }
            if (field.Type == Type.Message)
            {
                return MessageField(field, tag);
            }
            if (field.Type == Type.Enum)
            {
                // ProtobufData's enum: a STRING (INT32 with int.for.enums) named after the enum, with the enum's name and
                // every constant's number as parameters, so that writing it declares the enum again.
                var enumType = schema.Symbols.Find(field.TypeName)?.Enum ?? throw new DataException($"Enum {field.TypeName} is not defined");
                var names = new Dictionary<int, string>();
                var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
                var enumSchema = (options.IntForEnums ? SchemaBuilder.Int32() : SchemaBuilder.String()).Name(ConnectName(field.TypeName))
                    .Parameter(EnumParameter, enumType.Name);
                foreach (var value in enumType.Value)
                {
                    names.TryAdd(value.Number, value.Name);
                    numbers[value.Name] = value.Number;
                    enumSchema.Parameter(EnumConstantPrefix + value.Name, value.Number.ToString(CultureInfo.InvariantCulture));
                }
                return (Tagged(enumSchema, tag, optional).Build(), connect => new ProtobufFieldPlan
                {
                    Number = number,
                    Kind = ProtobufKind.Enum,
                    Connect = connect,
                    EnumNames = names,
                    EnumNumbers = numbers,
                });
            }
            var (kind, type) = ScalarOf(field);
            var connectType = ConnectTypeOf(field) ?? type;
            var skipDefault = !optional && schema.File.Syntax == "proto3";
            var scalarSchema = SchemaBuilder.OfType(connectType);
            if (connectType is SchemaType.Int32 or SchemaType.Int64 && field.Type is not (Type.Int32 or Type.Int64))
            {
                scalarSchema.Parameter(TypeParameter, ProtoTypeName(field.Type));
            }
            return (Tagged(scalarSchema, tag, optional).Build(), connect => new ProtobufFieldPlan
            {
                Number = number,
                Kind = kind,
                Connect = connect,
                SkipDefault = skipDefault,
            });
        }

        private (ConnectSchema, Func<Field, ProtobufFieldPlan>) MessageField(FieldDescriptorProto field, int tag)
        {
            var number = field.Number;
            ProtobufFieldPlan Logical(Field connect, ProtobufKind kind) => new() { Number = number, Kind = kind, Connect = connect };
            switch (field.TypeName)
            {
                case ".google.protobuf.Timestamp":
                    return (Tagged(ConnectTimestamp.Builder(), tag, true).Build(), c => Logical(c, ProtobufKind.Timestamp));
                case ".google.type.Date":
                    return (Tagged(ConnectDate.Builder(), tag, true).Build(), c => Logical(c, ProtobufKind.Date));
                case ".google.type.TimeOfDay":
                    return (Tagged(ConnectTime.Builder(), tag, true).Build(), c => Logical(c, ProtobufKind.Time));
                case ".confluent.type.Decimal":
                    {
                        var parameters = MetaParameters(field);
                        var scale = parameters.TryGetValue(DecimalScale, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                        var builder = Tagged(ConnectDecimal.Builder(scale), tag, true);
                        if (parameters.TryGetValue(DecimalPrecision, out var precision))
                        {
                            builder.Parameter(DecimalPrecision, precision);
                        }
                        return (builder.Build(), c => Logical(c, ProtobufKind.Decimal));
                    }
            }
            if (field.TypeName.StartsWith(".google.protobuf.", StringComparison.Ordinal) && field.TypeName.EndsWith("Value", StringComparison.Ordinal)
                && schema.Symbols.Find(field.TypeName)?.Message is { Field.Count: 1 } wrapper && wrapper.Field[0].Number == 1)
            {
                var (kind, type) = ScalarOf(wrapper.Field[0]);
                var connectType = ConnectTypeOf(field) ?? type;
                var connectSchema = Tagged(SchemaBuilder.OfType(connectType), tag, true).Build();
                var inner = new Field("value", 0, ConnectSchema.OfType(connectType));
                return (connectSchema, c => new ProtobufFieldPlan
                {
                    Number = number,
                    Kind = ProtobufKind.Wrapper,
                    Connect = c,
                    Value = new ProtobufFieldPlan { Number = 1, Kind = kind, Connect = inner },
                });
            }
            var type_ = schema.Symbols.Find(field.TypeName)?.Message ?? throw new DataException($"Message {field.TypeName} is not defined");
            var nested = Message(type_, field.TypeName, optional: true, tag);
            return (nested.Connect, c => new ProtobufFieldPlan { Number = number, Kind = ProtobufKind.Message, Connect = c, Message = nested });
        }
    }

    /// <summary>The builder with the field number parameter (when <paramref name="tag"/> is not 0) and optional when asked.</summary>
    private static SchemaBuilder Tagged(SchemaBuilder builder, int tag, bool optional = false)
    {
        if (optional)
        {
            builder.Optional();
        }
        return tag > 0 ? builder.Parameter(TagParameter, tag.ToString(CultureInfo.InvariantCulture)) : builder;
    }

    /// <summary>
    /// The plan that writes values of <paramref name="user"/> (the caller's Connect schema): the plan read back from the
    /// schema generated for it, each field bound to the caller's field of the same (sanitized) name, a oneof to the
    /// caller's union field naming it, so that the caller's structs are read by field index. Cold path (once per schema).
    /// </summary>
    public static ProtobufMessagePlan Bind(ProtobufMessagePlan plan, ConnectSchema user)
    {
        var fields = new ProtobufFieldPlan[user.Fields.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = user.Fields[i];
            var match = IsUnion(field.Schema)
                ? plan.Fields.FirstOrDefault(f => f.Kind == ProtobufKind.Oneof && f.OneofName == OneofName(field))
                : plan.Fields.FirstOrDefault(f => f.Kind != ProtobufKind.Oneof && f.Connect.Name == Sanitize(field.Name, allowDots: false));
            fields[i] = BindField(match ?? throw new DataException($"Field {field.Name} has no counterpart in the generated Protobuf schema"), field);
        }
        var result = new ProtobufMessagePlan { Connect = user, Fields = fields };
        return result;
    }

    private static ProtobufFieldPlan BindField(ProtobufFieldPlan plan, Field user)
    {
        var schema = user.Schema;
        if (plan.Kind == ProtobufKind.Oneof)
        {
            var members = new ProtobufFieldPlan[schema.Fields.Count];
            for (var i = 0; i < members.Length; i++)
            {
                var member = schema.Fields[i];
                var match = plan.Members.FirstOrDefault(m => m.Connect.Name == Sanitize(member.Name, allowDots: false))
                    ?? throw new DataException($"Oneof member {member.Name} has no counterpart in the generated Protobuf schema");
                members[i] = BindField(match, member);
            }
            return plan with { Connect = user, Members = members };
        }
        if (plan.Kind == ProtobufKind.Map)
        {
            return plan with
            {
                Connect = user,
                Key = plan.Key! with { Connect = new Field("key", 0, schema.KeySchema) },
                Value = BindField(plan.Value!, new Field("value", 1, schema.ValueSchema)),
            };
        }
        if (plan.Repeated)
        {
            return plan with
            {
                Connect = user,
                ElementConnect = new Field(user.Name, 0, schema.ValueSchema),
                Message = plan.Message is null ? null : Bind(plan.Message, schema.ValueSchema),
            };
        }
        return plan with { Connect = user, Message = plan.Message is null ? null : Bind(plan.Message, schema) };
    }

    private static (ProtobufKind Kind, SchemaType Type) ScalarOf(FieldDescriptorProto field) => field.Type switch
    {
        Type.Int32 => (ProtobufKind.Int32, SchemaType.Int32),
        Type.Sint32 => (ProtobufKind.SInt32, SchemaType.Int32),
        Type.Sfixed32 => (ProtobufKind.SFixed32, SchemaType.Int32),
        Type.Int64 => (ProtobufKind.Int64, SchemaType.Int64),
        Type.Sint64 => (ProtobufKind.SInt64, SchemaType.Int64),
        Type.Sfixed64 => (ProtobufKind.SFixed64, SchemaType.Int64),
        Type.Uint32 => (ProtobufKind.UInt32, SchemaType.Int64),
        Type.Fixed32 => (ProtobufKind.Fixed32, SchemaType.Int64),
        Type.Uint64 => (ProtobufKind.UInt64, SchemaType.Int64),
        Type.Fixed64 => (ProtobufKind.Fixed64, SchemaType.Int64),
        Type.Float => (ProtobufKind.Float, SchemaType.Float32),
        Type.Double => (ProtobufKind.Double, SchemaType.Float64),
        Type.Bool => (ProtobufKind.Bool, SchemaType.Boolean),
        Type.String => (ProtobufKind.String, SchemaType.String),
        Type.Bytes => (ProtobufKind.Bytes, SchemaType.Bytes),
        _ => throw new DataException($"Field {field.Name} has type {field.Type}, which ProtobufConverter does not read"),
    };

    /// <summary>The .proto keyword of a scalar type (<c>sint32</c>, <c>fixed64</c>, ...), as ProtobufData writes it in <c>io.confluent.connect.protobuf.Type</c>.</summary>
    private static string ProtoTypeName(Type type) => type switch
    {
        Type.Sint32 => "sint32",
        Type.Sfixed32 => "sfixed32",
        Type.Sint64 => "sint64",
        Type.Sfixed64 => "sfixed64",
        Type.Uint32 => "uint32",
        Type.Fixed32 => "fixed32",
        Type.Uint64 => "uint64",
        Type.Fixed64 => "fixed64",
        Type.Int32 => "int32",
        _ => "int64",
    };

    /// <summary>INT8/INT16 from the field's <c>connect.type</c> parameter.</summary>
    private static SchemaType? ConnectTypeOf(FieldDescriptorProto field) =>
        MetaParameters(field).GetValueOrDefault(ConnectTypeParameter) switch
        {
            "int8" => SchemaType.Int8,
            "int16" => SchemaType.Int16,
            _ => null,
        };

    /// <summary>The <c>params</c> of a field's <c>(confluent.field_meta)</c> option.</summary>
    private static Dictionary<string, string> MetaParameters(FieldDescriptorProto field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (field.Options is null)
        {
            return result;
        }
        foreach (var option in field.Options.UninterpretedOption)
        {
            if (option.Name.Count >= 1 && option.Name[0].NamePart_ == "confluent.field_meta" && option.HasAggregateValue)
            {
                foreach (Match match in MetaParameter().Matches(option.AggregateValue))
                {
                    result[match.Groups[1].Value] = match.Groups[2].Value;
                }
            }
        }
        return result;
    }

    [GeneratedRegex("""key\s*:\s*"([^"]*)"\s*,?\s*value\s*:\s*"([^"]*)""")]
    private static partial Regex MetaParameter();
}
