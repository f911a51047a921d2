using Google.Protobuf.Reflection;
using static Google.Protobuf.Reflection.FieldDescriptorProto.Types;
using Type = Google.Protobuf.Reflection.FieldDescriptorProto.Types.Type;

namespace Tributary.Schemas.Protobuf;

/// <summary>
/// Protobuf's compatibility rules as Confluent's registry applies them: the two files are compared element by element
/// (messages by name, fields by number, oneofs by name) and only these differences are incompatible: the package changed,
/// a message removed (a renamed message is one removed and one added), a field's kind changed (scalar/message/map), a
/// scalar's wire family changed (int32, int64, uint32, uint64, bool and enums read each other; so do sint32/sint64,
/// string/bytes, fixed32/sfixed32, fixed64/sfixed64; float and double only themselves), a message field's type named
/// differently or changed incompatibly, a numeric field's label changed (e.g. optional → repeated), a required field added
/// or removed (proto2), a field removed from a oneof, several fields moved into one oneof, or a field moved into an
/// existing oneof. Adding or removing fields, enums, enum constants and oneofs, renaming fields and renumbering (a field
/// removed and another added) are compatible unless a number then carries another kind. Thread-safe (stateless).
/// </summary>
internal static class ProtobufCompatibility
{
    /// <summary>The incompatible differences from <paramref name="original"/> to <paramref name="update"/>, Confluent's "Found incompatible change: ..." messages.</summary>
    public static IReadOnlyList<string> Check(ProtobufSchema original, ProtobufSchema update)
    {
        var context = new Context(original.Symbols, update.Symbols, original.File.Syntax == "proto3", update.File.Syntax == "proto3");
        if (original.File.Package != update.File.Package)
        {
            context.Add("#/", "PACKAGE_CHANGED");
        }
        context.CompareTypes("#", original.File.MessageType, update.File.MessageType, Prefix(original.File.Package), Prefix(update.File.Package));
        return context.Messages;
    }

    private static string Prefix(string package) => package.Length == 0 ? "." : "." + package + ".";

    private enum Kind
    {
        Scalar,
        Message,
        Map,
    }

    private sealed class Context(ProtoSymbols original, ProtoSymbols update, bool originalProto3, bool updateProto3)
    {
        private readonly HashSet<string> _seen = [];
        private readonly HashSet<(string, string)> _compared = [];

        public List<string> Messages { get; } = [];

        public void Add(string path, string type)
        {
            var message = $"Found incompatible change: Difference{{fullPath='{path}', type={type}}}";
            if (_seen.Add(message))
            {
                Messages.Add(message);
            }
        }

        public void CompareTypes(string path, IEnumerable<DescriptorProto> originalTypes, IEnumerable<DescriptorProto> updateTypes, string originalPrefix, string updatePrefix)
        {
            var updates = updateTypes.Where(m => m.Options?.MapEntry != true).ToDictionary(m => m.Name);
            foreach (var message in originalTypes)
            {
                if (message.Options?.MapEntry == true)
                {
                    continue;
                }
                var child = path + "/" + message.Name;
                if (!updates.TryGetValue(message.Name, out var updated))
                {
                    Add(child, "MESSAGE_REMOVED");
                    continue;
                }
                CompareMessage(child, message, updated, originalPrefix + message.Name, updatePrefix + message.Name);
            }
        }

        private void CompareMessage(string path, DescriptorProto originalMessage, DescriptorProto updateMessage, string originalName, string updateName)
        {
            if (_compared.Add((originalName, updateName)))
            {
                var originalByTag = PlainFields(originalMessage).ToDictionary(f => f.Number);
                var updateByTag = PlainFields(updateMessage).ToDictionary(f => f.Number);
                var originalOneofTags = new HashSet<int>(originalMessage.Field.Where(IsInRealOneof).Select(f => f.Number));
                foreach (var (name, fields) in Oneofs(updateMessage))
                {
                    var moved = 0;
                    var existing = 0;
                    foreach (var field in fields)
                    {
                        if (originalByTag.Remove(field.Number))
                        {
                            moved++;
                        }
                        else if (originalOneofTags.Contains(field.Number))
                        {
                            existing++;
                        }
                    }
                    if (moved > 1)
                    {
                        Add(path + "/" + name, "MULTIPLE_FIELDS_MOVED_TO_ONEOF");
                    }
                    else if (moved == 1 && existing > 0)
                    {
                        Add(path + "/" + name, "FIELD_MOVED_TO_EXISTING_ONEOF");
                    }
                }
                var updateOneofs = Oneofs(updateMessage).ToDictionary(o => o.Name, o => o.Fields);
                foreach (var (name, fields) in Oneofs(originalMessage))
                {
                    if (!updateOneofs.TryGetValue(name, out var updatedFields))
                    {
                        continue;
                    }
                    var updatedByTag = updatedFields.ToDictionary(f => f.Number);
                    foreach (var field in fields)
                    {
                        if (!updatedByTag.TryGetValue(field.Number, out var updated))
                        {
                            Add(path + "/" + name + "/" + field.Number, "ONEOF_FIELD_REMOVED");
                        }
                        else
                        {
                            CompareField(path + "/" + name + "/" + field.Number, field, updated, oneof: true);
                        }
                    }
                }
                foreach (var (number, field) in originalByTag)
                {
                    if (!updateByTag.TryGetValue(number, out var updated))
                    {
                        if (field.Label == Label.Required)
                        {
                            Add(path + "/" + number, "REQUIRED_FIELD_REMOVED");
                        }
                        continue;
                    }
                    CompareField(path + "/" + number, field, updated, oneof: false);
                }
                foreach (var (number, field) in updateByTag)
                {
                    if (!originalByTag.ContainsKey(number) && field.Label == Label.Required && !originalOneofTags.Contains(number))
                    {
                        Add(path + "/" + number, "REQUIRED_FIELD_ADDED");
                    }
                }
            }
            CompareTypes(path, originalMessage.NestedType, updateMessage.NestedType, originalName + ".", updateName + ".");
        }

        private void CompareField(string path, FieldDescriptorProto originalField, FieldDescriptorProto updateField, bool oneof) =>
            CompareLabelsAndTypes(path, oneof ? null : WrittenLabel(originalField, originalProto3), oneof ? null : WrittenLabel(updateField, updateProto3), originalField, updateField);

        /// <summary>The label as the .proto text states it: null for a proto3 field written without one (Confluent compares labels only when both sides state one).</summary>
        private static Label? WrittenLabel(FieldDescriptorProto field, bool proto3) =>
            proto3 && field.Label == Label.Optional && !field.Proto3Optional ? null : field.Label;

        private void CompareLabelsAndTypes(string path, Label? originalLabel, Label? updateLabel, FieldDescriptorProto originalField, FieldDescriptorProto updateField)
        {
            var originalKind = KindOf(originalField, original, out var originalEntry);
            var updateKind = KindOf(updateField, update, out var updateEntry);
            if (originalKind != updateKind)
            {
                Add(path, "FIELD_KIND_CHANGED");
                return;
            }
            switch (originalKind)
            {
                case Kind.Scalar:
                    var originalScalar = ScalarKind(originalField);
                    if (originalScalar != ScalarKind(updateField))
                    {
                        Add(path, "FIELD_SCALAR_KIND_CHANGED");
                    }
                    else if (originalLabel is not null && updateLabel is not null && originalLabel != updateLabel && originalScalar != "STRING_OR_BYTES")
                    {
                        Add(path, "FIELD_NUMERIC_LABEL_CHANGED");
                    }
                    break;
                case Kind.Map:
                    CompareLabelsAndTypes(path, null, null, originalEntry!.Field[0], updateEntry!.Field[0]);
                    CompareLabelsAndTypes(path, null, null, originalEntry.Field[1], updateEntry.Field[1]);
                    break;
                case Kind.Message:
                    var originalType = original.Find(originalField.TypeName);
                    var updateType = update.Find(updateField.TypeName);
                    if (originalType?.Message is null || updateType?.Message is null || originalType.LocalName != updateType.LocalName)
                    {
                        if (originalType?.LocalName != updateType?.LocalName || originalType is null)
                        {
                            Add(path, "FIELD_NAMED_TYPE_CHANGED");
                        }
                        break;
                    }
                    var before = Messages.Count;
                    CompareMessage("#/" + originalType.LocalName, originalType.Message, updateType.Message, originalType.FullName, updateType.FullName);
                    if (Messages.Count > before)
                    {
                        Add(path, "FIELD_NAMED_TYPE_CHANGED");
                    }
                    break;
            }
        }

        private static Kind KindOf(FieldDescriptorProto field, ProtoSymbols symbols, out DescriptorProto? mapEntry)
        {
            mapEntry = null;
            if (field.Type == Type.Message)
            {
                var type = symbols.Find(field.TypeName);
                if (type?.IsMapEntry == true)
                {
                    mapEntry = type.Message;
                    return Kind.Map;
                }
                return Kind.Message;
            }
            return Kind.Scalar;
        }

        private static string ScalarKind(FieldDescriptorProto field) => field.Type switch
        {
            Type.Int32 or Type.Int64 or Type.Uint32 or Type.Uint64 or Type.Bool or Type.Enum => "GENERAL_NUMBER",
            Type.Sint32 or Type.Sint64 => "SIGNED_NUMBER",
            Type.String or Type.Bytes => "STRING_OR_BYTES",
            Type.Fixed32 or Type.Sfixed32 => "FIXED32",
            Type.Fixed64 or Type.Sfixed64 => "FIXED64",
            Type.Float => "FLOAT",
            Type.Double => "DOUBLE",
            _ => "OTHER",
        };

        private static bool IsInRealOneof(FieldDescriptorProto field) => field.HasOneofIndex && !field.Proto3Optional;

        private static IEnumerable<FieldDescriptorProto> PlainFields(DescriptorProto message) => message.Field.Where(f => !IsInRealOneof(f));

        private static IEnumerable<(string Name, List<FieldDescriptorProto> Fields)> Oneofs(DescriptorProto message)
        {
            for (var i = 0; i < message.OneofDecl.Count; i++)
            {
                var fields = message.Field.Where(f => f.HasOneofIndex && f.OneofIndex == i && !f.Proto3Optional).ToList();
                if (fields.Count > 0)
                {
                    yield return (message.OneofDecl[i].Name, fields);
                }
            }
        }
    }
}
