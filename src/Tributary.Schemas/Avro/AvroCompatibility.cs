using global::Avro;
using Newtonsoft.Json.Linq;

namespace Tributary.Schemas.Avro;

/// <summary>
/// Avro's schema resolution (the specification's "Schema Resolution") as a check: can a reader with one schema read
/// everything written with another? Each message names the rule broken, as the registry's verbose compatibility
/// answer does (READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH, MISSING_ENUM_SYMBOLS, NAME_MISMATCH,
/// FIXED_SIZE_MISMATCH, MISSING_UNION_BRANCH), with the path in the reader schema. Recursive types are followed once
/// per (reader, writer) pair. Thread-safe (stateless).
/// </summary>
internal static class AvroCompatibility
{
    public static IReadOnlyList<string> Check(Schema reader, Schema writer)
    {
        var messages = new List<string>();
        Visit(reader, writer, "", new HashSet<(Schema, Schema)>(), messages);
        return messages;
    }

    private static void Visit(Schema reader, Schema writer, string path, HashSet<(Schema, Schema)> seen, List<string> messages)
    {
        reader = Base(reader);
        writer = Base(writer);
        if (!seen.Add((reader, writer)))
        {
            return;
        }
        if (writer is UnionSchema writerUnion)
        {
            // Every branch the writer may have chosen must be readable.
            for (var i = 0; i < writerUnion.Schemas.Count; i++)
            {
                var branch = Base(writerUnion.Schemas[i]);
                if (reader is UnionSchema readerUnion)
                {
                    if (FindBranch(readerUnion, branch) is null)
                    {
                        messages.Add(Message("MISSING_UNION_BRANCH", $"The new schema is missing a type inside a union field at path '{path}/{i}' in the old schema", $"reader union lacking writer type: {Describe(branch)}"));
                    }
                    else
                    {
                        Visit(FindBranch(readerUnion, branch)!, branch, path, seen, messages);
                    }
                }
                else
                {
                    Visit(reader, branch, path, seen, messages);
                }
            }
            return;
        }
        if (reader is UnionSchema union)
        {
            var match = FindBranch(union, writer);
            if (match is null)
            {
                messages.Add(Message("MISSING_UNION_BRANCH", $"The new schema is missing a type inside a union field at path '{path}' in the old schema", $"reader union lacking writer type: {Describe(writer)}"));
                return;
            }
            Visit(match, writer, path, seen, messages);
            return;
        }
        if (!Promotable(writer.Tag, reader.Tag))
        {
            messages.Add(Message("TYPE_MISMATCH", $"The type (path '{path}') of a field in the new schema does not match with the old schema", $"reader type: {Describe(reader)} not compatible with writer type: {Describe(writer)}"));
            return;
        }
        switch (reader)
        {
            case RecordSchema readerRecord:
                var writerRecord = (RecordSchema)writer;
                if (!NamesMatch(readerRecord, writerRecord))
                {
                    messages.Add(Message("NAME_MISMATCH", $"The name of the schema has changed (path '{path}/name')", $"expected: {writerRecord.Fullname}"));
                    return;
                }
                for (var i = 0; i < readerRecord.Fields.Count; i++)
                {
                    var field = readerRecord.Fields[i];
                    var written = WriterField(writerRecord, field);
                    if (written is null)
                    {
                        if (field.DefaultValue is null)
                        {
                            messages.Add(Message("READER_FIELD_MISSING_DEFAULT_VALUE", $"The field '{field.Name}' at path '{path}/fields/{i}' in the new schema has no default value and is missing in the old schema", field.Name));
                        }
                    }
                    else
                    {
                        Visit(field.Schema, written.Schema, $"{path}/fields/{i}/type", seen, messages);
                    }
                }
                break;
            case EnumSchema readerEnum:
                var writerEnum = (EnumSchema)writer;
                if (!NamesMatch(readerEnum, writerEnum))
                {
                    messages.Add(Message("NAME_MISMATCH", $"The name of the schema has changed (path '{path}/name')", $"expected: {writerEnum.Fullname}"));
                    return;
                }
                if (readerEnum.Default is null)
                {
                    var missing = writerEnum.Symbols.Where(s => !readerEnum.Symbols.Contains(s)).ToArray();
                    if (missing.Length > 0)
                    {
                        messages.Add(Message("MISSING_ENUM_SYMBOLS", $"The new schema is missing enum symbols '[{string.Join(", ", missing)}]' at path '{path}/symbols' in the old schema", "[" + string.Join(", ", missing) + "]"));
                    }
                }
                break;
            case FixedSchema readerFixed:
                var writerFixed = (FixedSchema)writer;
                if (!NamesMatch(readerFixed, writerFixed))
                {
                    messages.Add(Message("NAME_MISMATCH", $"The name of the schema has changed (path '{path}/name')", $"expected: {writerFixed.Fullname}"));
                }
                else if (readerFixed.Size != writerFixed.Size)
                {
                    messages.Add(Message("FIXED_SIZE_MISMATCH", $"The size of FIXED type field at path '{path}/size' in the new schema does not match with the old schema", $"expected: {writerFixed.Size}, found: {readerFixed.Size}"));
                }
                break;
            case ArraySchema readerArray:
                Visit(readerArray.ItemSchema, ((ArraySchema)writer).ItemSchema, path + "/items", seen, messages);
                break;
            case MapSchema readerMap:
                Visit(readerMap.ValueSchema, ((MapSchema)writer).ValueSchema, path + "/values", seen, messages);
                break;
        }
    }

    /// <summary>Logical types resolve as their underlying type (the specification: a reader ignores unknown logical types).</summary>
    private static Schema Base(Schema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    /// <summary>The spec's promotions: int → long, float, double; long → float, double; float → double; string ↔ bytes.</summary>
    private static bool Promotable(Schema.Type writer, Schema.Type reader) =>
        writer == reader
        || (writer == Schema.Type.Int && reader is Schema.Type.Long or Schema.Type.Float or Schema.Type.Double)
        || (writer == Schema.Type.Long && reader is Schema.Type.Float or Schema.Type.Double)
        || (writer == Schema.Type.Float && reader == Schema.Type.Double)
        || (writer == Schema.Type.String && reader == Schema.Type.Bytes)
        || (writer == Schema.Type.Bytes && reader == Schema.Type.String)
        || (writer == Schema.Type.Error && reader == Schema.Type.Record)
        || (writer == Schema.Type.Record && reader == Schema.Type.Error);

    /// <summary>The first reader branch that matches the writer's type exactly (by name for named types), else the first it promotes to.</summary>
    private static Schema? FindBranch(UnionSchema reader, Schema writer)
    {
        foreach (var candidate in reader.Schemas)
        {
            var branch = Base(candidate);
            if (branch.Tag == writer.Tag && (branch is not NamedSchema named || NamesMatch(named, (NamedSchema)writer)))
            {
                return branch;
            }
        }
        foreach (var candidate in reader.Schemas)
        {
            var branch = Base(candidate);
            if (branch is not NamedSchema && writer is not NamedSchema && Promotable(writer.Tag, branch.Tag))
            {
                return branch;
            }
        }
        return null;
    }

    /// <summary>The writer's field a reader field reads: same name, or one of the reader field's aliases.</summary>
    private static Field? WriterField(RecordSchema writer, Field readerField)
    {
        if (writer.TryGetField(readerField.Name, out var field))
        {
            return field;
        }
        foreach (var alias in readerField.Aliases ?? [])
        {
            if (writer.TryGetField(alias, out field))
            {
                return field;
            }
        }
        return null;
    }

    /// <summary>Named types match by full name, or when the reader lists the writer's name among its aliases (the unqualified names must match otherwise).</summary>
    private static bool NamesMatch(NamedSchema reader, NamedSchema writer) =>
        reader.Fullname == writer.Fullname
        || reader.Name == writer.Name
        || Aliases(reader).Contains(writer.Fullname, StringComparer.Ordinal);

    /// <summary>The aliases a named type declares, read from its JSON (Apache.Avro keeps them private), qualified with its namespace.</summary>
    private static IEnumerable<string> Aliases(NamedSchema schema)
    {
        if (JObject.Parse(schema.ToString())["aliases"] is not JArray aliases)
        {
            yield break;
        }
        foreach (var alias in aliases)
        {
            var name = alias.ToString();
            yield return name.Contains('.', StringComparison.Ordinal) || string.IsNullOrEmpty(schema.Namespace) ? name : schema.Namespace + "." + name;
        }
    }

    private static string Describe(Schema schema) => schema is NamedSchema named ? named.Fullname : schema.Tag.ToString().ToUpperInvariant();

    private static string Message(string errorType, string description, string additionalInfo) =>
        $"{{errorType:'{errorType}', description:'{description}', additionalInfo:'{additionalInfo}'}}";
}
