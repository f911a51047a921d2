using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Tributary.Formats.Parquet.Metadata;
using Tributary.Formats.Parquet.Schema;
using Tributary.Formats.Parquet.Writer;

namespace Tributary.Formats.Json;

/// <summary>A record that does not fit the schema: its number (0-based, in input order), the field and why. The caller routes it to an error output.</summary>
public sealed record RejectedRecord(long RecordNumber, string Field, string Reason, byte[] Record)
{
    public override string ToString() => $"record {RecordNumber}: field '{Field}': {Reason}";
}

/// <summary>Counts of a conversion run.</summary>
public readonly record struct ConversionResult(long Records, long Written, long Rejected, long InputBytes);

/// <summary>
/// Converts JSON records (concatenated objects, typically one per line) into rows of a
/// <see cref="ParquetWriter"/>, the way Firehose's record format conversion does with the OpenX or Hive
/// JSON SerDe (see <see cref="JsonSerDeOptions"/> and docs/formats/json-to-parquet.md).
/// <para>The hot path shreds straight from a <see cref="Utf8JsonReader"/> into the column writers:
/// no per-record objects, keys matched through span lookups. A record that does not fit (wrong type,
/// missing required field, bad timestamp, invalid JSON) is undone in every column and reported with its
/// number, field and bytes; the conversion goes on with the next record.</para>
/// <para>The hot methods are marked AggressiveOptimization: a conversion is often one short-lived
/// process (<c>tributary convert</c>), and tiered compilation would run its loops unoptimised for the first
/// seconds (measured on a 200 MB file: 58 MB/s with tiered compilation, 82 MB/s with
/// DOTNET_TieredCompilation=0, on a busy 2-core machine).</para>
/// <para>Keys that match no column are ignored (as the SerDes do); when a key appears twice in an object,
/// the first occurrence wins.</para>
/// Not thread-safe: one converter per writer.
/// </summary>
public sealed class JsonToParquetConverter : IJsonRecordConverter
{
    private readonly ParquetWriter _writer;
    private readonly JsonSerDeOptions _options;
    private readonly ColumnWriter[] _columns;
    private readonly Plan _root;
    private readonly (int, int, int)[] _marks;
    private char[] _keyBuffer = new char[256];
    private long _recordNumber;

    public JsonToParquetConverter(ParquetWriter writer, JsonSerDeOptions? options = null)
    {
        _writer = writer;
        _options = options ?? new JsonSerDeOptions();
        _columns = writer.Columns;
        _marks = new (int, int, int)[_columns.Length];
        _root = BuildPlan(writer.Schema.Root, isRoot: true);
    }

    /// <summary>
    /// Reads every record from <paramref name="input"/> and writes those that fit; calls
    /// <paramref name="onRejected"/> for the others. Does not complete the writer.
    /// </summary>
    public ConversionResult Convert(Stream input, Action<RejectedRecord>? onRejected = null)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4 * 1024 * 1024);
        long written = 0, rejected = 0, inputBytes = 0;
        var startRecords = _recordNumber;
        try
        {
            var filled = 0;
            var position = 0;
            var endOfInput = false;
            while (true)
            {
                SkipWhitespace(buffer, ref position, filled);
                if (position == filled)
                {
                    if (endOfInput)
                    {
                        break;
                    }
                    position = filled = 0;
                    FillBuffer(input, ref buffer, ref filled, ref endOfInput, ref inputBytes);
                    continue;
                }
                var span = buffer.AsSpan(position, filled - position);
                var outcome = WriteFromBuffer(span, endOfInput, out var consumed, out var rejection);
                if (outcome == Outcome.NeedMoreData)
                {
                    // Move the partial record to the front and read more (the buffer grows if the record fills it).
                    span.CopyTo(buffer);
                    filled -= position;
                    position = 0;
                    FillBuffer(input, ref buffer, ref filled, ref endOfInput, ref inputBytes);
                    continue;
                }
                position += consumed;
                if (outcome == Outcome.Written)
                {
                    written++;
                }
                else
                {
                    rejected++;
                    onRejected?.Invoke(rejection!);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new ConversionResult(_recordNumber - startRecords, written, rejected, inputBytes);
    }

    private enum Outcome
    {
        Written,
        Rejected,
        NeedMoreData,
    }

    /// <summary>
    /// Shreds the record at the start of <paramref name="data"/> in one pass. When the buffer ends inside
    /// the record (and more input may follow) the columns are rolled back and <see cref="Outcome.NeedMoreData"/>
    /// is returned, so the record is shredded again once it is whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Outcome WriteFromBuffer(ReadOnlySpan<byte> data, bool endOfInput, out int consumed, out RejectedRecord? rejection)
    {
        consumed = 0;
        rejection = null;
        MarkColumns();
        var reader = new Utf8JsonReader(data, endOfInput, new JsonReaderState(new JsonReaderOptions { MaxDepth = 256, AllowMultipleValues = true }));
        try
        {
            if (!reader.Read())
            {
                throw IncompleteRecord.Instance;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return RejectLine(data, "a record must be a JSON object", out consumed, out rejection);
            }
            WriteStruct(_root, ref reader, data, 0, 0);
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0)
            {
                throw IncompleteRecord.Instance;
            }
            consumed = (int)reader.BytesConsumed;
        }
        catch (IncompleteRecord)
        {
            Rollback();
            if (!endOfInput)
            {
                return Outcome.NeedMoreData;
            }
            return RejectLine(data, "the input ends inside a record", out consumed, out rejection);
        }
        catch (FieldException e)
        {
            Rollback();
            // The failure may come from a record cut by the buffer's end: measure it before blaming it.
            if (!TryMeasure(data, endOfInput, out var length, out var syntaxError))
            {
                if (!endOfInput)
                {
                    return Outcome.NeedMoreData;
                }
                syntaxError = "the input ends inside a record";
            }
            if (syntaxError is not null)
            {
                return RejectLine(data, "invalid JSON: " + syntaxError, out consumed, out rejection);
            }
            consumed = length;
            rejection = new RejectedRecord(_recordNumber++, e.Field, e.Message, data[..length].ToArray());
            return Outcome.Rejected;
        }
        catch (JsonException e)
        {
            Rollback();
            return RejectLine(data, "invalid JSON: " + e.Message, out consumed, out rejection);
        }
        _recordNumber++;
        _writer.EndRow();
        return Outcome.Written;
    }

    /// <summary>Rejects everything up to the end of the line: JSON-lines input resynchronises at the next record.</summary>
    private Outcome RejectLine(ReadOnlySpan<byte> data, string reason, out int consumed, out RejectedRecord rejection)
    {
        var newline = data.IndexOf((byte)'\n');
        consumed = newline < 0 ? data.Length : newline + 1;
        rejection = new RejectedRecord(_recordNumber++, "", reason, data[..consumed].TrimEnd((byte)'\n').TrimEnd((byte)'\r').ToArray());
        return Outcome.Rejected;
    }

    private void MarkColumns()
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            _marks[i] = _columns[i].Mark();
        }
    }

    private static void FillBuffer(Stream input, ref byte[] buffer, ref int filled, ref bool endOfInput, ref long inputBytes)
    {
        if (filled == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, filled).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        var read = input.Read(buffer, filled, buffer.Length - filled);
        if (read == 0)
        {
            endOfInput = true;
        }
        filled += read;
        inputBytes += read;
    }

    private static void SkipWhitespace(byte[] buffer, ref int position, int filled)
    {
        while (position < filled && buffer[position] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            position++;
        }
    }

    /// <summary>Measures the JSON value at the start of <paramref name="data"/>; false when it is incomplete.</summary>
    private static bool TryMeasure(ReadOnlySpan<byte> data, bool isFinal, out int length, out string? error)
    {
        length = 0;
        error = null;
        var reader = new Utf8JsonReader(data, isFinal, new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 256 }));
        try
        {
            if (!reader.Read())
            {
                return false;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = "a record must be a JSON object";
                if (!reader.TrySkip())
                {
                    return false;
                }
                return true;
            }
            if (!reader.TrySkip())
            {
                return false;
            }
            length = (int)reader.BytesConsumed;
            return true;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return true;
        }
    }

    /// <summary>
    /// Writes one JSON object as a row. On a mismatch nothing of the record stays in the columns and
    /// <paramref name="rejection"/> says which field failed and why.
    /// </summary>
    public bool TryWriteRecord(ReadOnlySpan<byte> json, out RejectedRecord? rejection)
    {
        var number = _recordNumber++;
        MarkColumns();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FieldException("", "a record must be a JSON object");
            }
            WriteStruct(_root, ref reader, json, 0, 0);
            rejection = null;
        }
        catch (FieldException e)
        {
            Rollback();
            rejection = new RejectedRecord(number, e.Field, e.Message, json.ToArray());
            return false;
        }
        catch (JsonException e)
        {
            Rollback();
            rejection = new RejectedRecord(number, "", "invalid JSON: " + e.Message, json.ToArray());
            return false;
        }
        catch (IncompleteRecord)
        {
            Rollback();
            rejection = new RejectedRecord(number, "", "invalid JSON: the record is incomplete", json.ToArray());
            return false;
        }
        _writer.EndRow();
        return true;
    }

    private void Rollback()
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i].Rollback(_marks[i]);
        }
    }

    // ---------------------------------------------------------------- plan

    /// <summary>A schema node prepared for shredding: its children's key lookup and a reusable "seen" set.</summary>
    private sealed class Plan
    {
        public required SchemaNode Node { get; init; }
        public Plan[] Children { get; init; } = [];
        public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; init; }
        public bool[] Seen { get; init; } = [];
        public int ColumnIndex { get; init; }
        /// <summary>UTF-8 JSON key of each child (its column name, or its mapped key), for the in-order fast path.</summary>
        public byte[][] Keys { get; init; } = [];
    }

    private Plan BuildPlan(SchemaNode node, bool isRoot = false)
    {
        if (node is PrimitiveNode primitive)
        {
            return new Plan { Node = node, ColumnIndex = primitive.ColumnIndex };
        }
        var group = (GroupNode)node;
        var children = group.Children.Select(c => BuildPlan(c)).ToArray();
        var keys = new Dictionary<string, int>(_options.IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var utf8Keys = new byte[group.Children.Count][];
        for (var i = 0; i < group.Children.Count; i++)
        {
            var name = group.Children[i].Name;
            if (isRoot && _options.Kind == JsonSerDeKind.OpenX && _options.ColumnToJsonKeyMappings?.TryGetValue(name, out var mapped) == true)
            {
                name = mapped;
            }
            keys.TryAdd(name, i);
            utf8Keys[i] = System.Text.Encoding.UTF8.GetBytes(name);
        }
        return new Plan
        {
            Node = node,
            Children = children,
            Lookup = keys.GetAlternateLookup<ReadOnlySpan<char>>(),
            Seen = new bool[children.Length],
            Keys = utf8Keys,
        };
    }

    // ---------------------------------------------------------------- shredding

    private sealed class FieldException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>The record continues past the data in the buffer: read more and try again. One shared instance.</summary>
    private sealed class IncompleteRecord : Exception
    {
        public static readonly IncompleteRecord Instance = new();
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (!reader.TrySkip())
        {
            throw IncompleteRecord.Instance;
        }
    }

    private static FieldException Fail(SchemaNode node, string message) => new(node.Path, message);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteStruct(Plan plan, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int repetition, int definition)
    {
        var seen = plan.Seen;
        Array.Clear(seen);
        var keys = plan.Keys;
        var predicted = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Records usually repeat one key order: try the field after the previous one first (an exact
            // byte comparison, valid under every matching mode), then the full lookup.
            var index = predicted < keys.Length && reader.ValueTextEquals(keys[predicted]) ? predicted : FindChild(plan, ref reader);
            predicted = index + 1;
            if (!reader.Read())
            {
                throw IncompleteRecord.Instance;
            }
            if (index < 0 || seen[index])
            {
                SkipValue(ref reader);
                continue;
            }
            seen[index] = true;
            WriteField(plan.Children[index], ref reader, json, repetition, definition);
        }
        for (var i = 0; i < plan.Children.Length; i++)
        {
            if (!seen[i])
            {
                var child = plan.Children[i].Node;
                if (child.Repetition == Repetition.Required)
                {
                    throw Fail(child, "required field is missing");
                }
                WriteNulls(child, repetition, definition);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindChild(Plan plan, ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (_keyBuffer.Length < length)
        {
            _keyBuffer = new char[Math.Max(length, _keyBuffer.Length * 2)];
        }
        var count = reader.CopyString(_keyBuffer);
        var key = _keyBuffer.AsSpan(0, count);
        if (_options.Kind == JsonSerDeKind.OpenX && _options.ConvertDotsInJsonKeysToUnderscores)
        {
            key.Replace('.', '_');
        }
        return plan.Lookup.TryGetValue(key, out var index) ? index : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteNulls(SchemaNode node, int repetition, int definition)
    {
        for (var i = node.FirstLeaf; i < node.FirstLeaf + node.LeafCount; i++)
        {
            _columns[i].AddNull(repetition, definition);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteField(Plan plan, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int repetition, int parentDefinition)
    {
        var node = plan.Node;
        if (reader.TokenType == JsonTokenType.Null)
        {
            if (node.Repetition == Repetition.Required)
            {
                throw Fail(node, "required field is null");
            }
            WriteNulls(node, repetition, parentDefinition);
            return;
        }
        if (node.IsRepeated)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Fail(node, $"expected an array, got {reader.TokenType}");
            }
            var first = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                WriteValue(plan, ref reader, json, first ? repetition : node.RepetitionLevel);
                first = false;
            }
            if (first)
            {
                WriteNulls(node, repetition, parentDefinition);
            }
            return;
        }
        WriteValue(plan, ref reader, json, repetition);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteValue(Plan plan, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int repetition)
    {
        switch (plan.Node)
        {
            case PrimitiveNode primitive:
                WritePrimitive(primitive, _columns[plan.ColumnIndex], ref reader, json, repetition);
                break;
            case GroupNode { IsList: true } list:
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Fail(list, $"expected an array, got {JsonSerDeReading.Describe(ref reader)}");
                    }
                    var repeatedPlan = plan.Children[0];
                    var repeated = repeatedPlan.Node;
                    var elementPlan = repeatedPlan.Children[0];
                    var first = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        WriteField(elementPlan, ref reader, json, first ? repetition : repeated.RepetitionLevel, repeated.DefinitionLevel);
                        first = false;
                    }
                    if (first)
                    {
                        WriteNulls(repeated, repetition, list.DefinitionLevel);
                    }
                    break;
                }
            case GroupNode { IsMap: true } map:
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw Fail(map, $"expected an object, got {JsonSerDeReading.Describe(ref reader)}");
                    }
                    var keyValuePlan = plan.Children[0];
                    var keyValue = keyValuePlan.Node;
                    var keyNode = (PrimitiveNode)keyValuePlan.Children[0].Node;
                    var first = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var level = first ? repetition : keyValue.RepetitionLevel;
                        WriteMapKey(keyNode, _columns[keyValuePlan.Children[0].ColumnIndex], ref reader, level);
                        if (!reader.Read())
                        {
                            throw IncompleteRecord.Instance;
                        }
                        WriteField(keyValuePlan.Children[1], ref reader, json, level, keyValue.DefinitionLevel);
                        first = false;
                    }
                    if (first)
                    {
                        WriteNulls(keyValue, repetition, map.DefinitionLevel);
                    }
                    break;
                }
            case GroupNode group:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw Fail(group, $"expected an object, got {JsonSerDeReading.Describe(ref reader)}");
                }
                WriteStruct(plan, ref reader, json, repetition, group.DefinitionLevel);
                break;
        }
    }

    private static void WriteMapKey(PrimitiveNode keyNode, ColumnWriter column, ref Utf8JsonReader reader, int repetition)
    {
        if (keyNode.Type == PhysicalType.ByteArray)
        {
            WriteString(column, ref reader, repetition);
            return;
        }
        if (keyNode.Type is PhysicalType.Int32 or PhysicalType.Int64 && Utf8Parser.TryParse(reader.ValueSpan, out long number, out var used) && used == reader.ValueSpan.Length)
        {
            ValueConversion.CheckRange(keyNode, number);
            column.AddLong(repetition, number);
            return;
        }
        throw Fail(keyNode, "map keys must be strings (or integers written as strings for integer keys)");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteString(ColumnWriter column, ref Utf8JsonReader reader, int repetition)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            column.AddBytes(repetition, reader.ValueSpan);
            return;
        }
        var maxLength = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        var span = column.BeginBytes(maxLength);
        var length = reader.CopyString(span);
        column.CommitBytes(repetition, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WritePrimitive(PrimitiveNode node, ColumnWriter column, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int repetition)
    {
        var token = reader.TokenType;
        var logical = node.LogicalType?.Kind ?? LogicalTypeKind.None;
        switch (node.Type)
        {
            case PhysicalType.Boolean:
                if (token is JsonTokenType.True or JsonTokenType.False)
                {
                    column.AddLong(repetition, token == JsonTokenType.True ? 1 : 0);
                    return;
                }
                if (token == JsonTokenType.String)
                {
                    if (reader.ValueTextEquals("true"u8) || reader.ValueTextEquals("TRUE"u8) || reader.ValueTextEquals("True"u8))
                    {
                        column.AddLong(repetition, 1);
                        return;
                    }
                    if (reader.ValueTextEquals("false"u8) || reader.ValueTextEquals("FALSE"u8) || reader.ValueTextEquals("False"u8))
                    {
                        column.AddLong(repetition, 0);
                        return;
                    }
                }
                throw Fail(node, $"expected a boolean, got {JsonSerDeReading.Describe(ref reader)}");

            case PhysicalType.Int32 or PhysicalType.Int64 when logical == LogicalTypeKind.Timestamp:
                {
                    if (!JsonSerDeReading.TryReadTimestamp(ref reader, _options, out var nanos))
                    {
                        throw Fail(node, $"not a timestamp: {JsonSerDeReading.Text(ref reader)}");
                    }
                    column.AddLong(repetition, TimestampParser.ToUnit(nanos, node.LogicalType!.Unit));
                    return;
                }
            case PhysicalType.Int32 when logical == LogicalTypeKind.Date:
                {
                    if (token == JsonTokenType.Number && reader.TryGetInt32(out var days))
                    {
                        column.AddLong(repetition, days);
                        return;
                    }
                    if (token == JsonTokenType.String && TimestampParser.TryParseText(reader.ValueSpan, out var nanos))
                    {
                        column.AddLong(repetition, TimestampParser.ToUnit(nanos, TimeUnit.Millis) is var ms ? (long)Math.Floor(ms / 86_400_000d) : 0);
                        return;
                    }
                    throw Fail(node, $"not a date: {JsonSerDeReading.Text(ref reader)}");
                }
            case PhysicalType.Int32 or PhysicalType.Int64 or PhysicalType.FixedLenByteArray or PhysicalType.ByteArray when logical == LogicalTypeKind.Decimal:
                WriteDecimal(node, column, ref reader, repetition);
                return;

            case PhysicalType.Int32 or PhysicalType.Int64:
                {
                    if (token is JsonTokenType.Number or JsonTokenType.String
                        && !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out long value, out var used) && used == reader.ValueSpan.Length)
                    {
                        try
                        {
                            ValueConversion.CheckRange(node, value);
                        }
                        catch (ParquetFormatException e)
                        {
                            throw new FieldException(node.Path, e.Message);
                        }
                        column.AddLong(repetition, value);
                        return;
                    }
                    throw Fail(node, $"expected an integer, got {JsonSerDeReading.Text(ref reader)}");
                }
            case PhysicalType.Float or PhysicalType.Double:
                {
                    if (token == JsonTokenType.Number && reader.TryGetDouble(out var value))
                    {
                        column.AddDouble(repetition, value);
                        return;
                    }
                    if (token == JsonTokenType.String && !reader.ValueIsEscaped)
                    {
                        if (Utf8Parser.TryParse(reader.ValueSpan, out double parsed, out var used) && used == reader.ValueSpan.Length)
                        {
                            column.AddDouble(repetition, parsed);
                            return;
                        }
                        var text = reader.ValueSpan;
                        if (text.SequenceEqual("NaN"u8) || text.SequenceEqual("Infinity"u8) || text.SequenceEqual("-Infinity"u8))
                        {
                            column.AddDouble(repetition, text[0] == 'N' ? double.NaN : text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity);
                            return;
                        }
                    }
                    throw Fail(node, $"expected a number, got {JsonSerDeReading.Text(ref reader)}");
                }
            case PhysicalType.ByteArray when logical == LogicalTypeKind.Json:
                {
                    // The value's JSON text, whatever its type.
                    var start = (int)reader.TokenStartIndex;
                    if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        SkipValue(ref reader);
                    }
                    column.AddBytes(repetition, json[start..(int)reader.BytesConsumed]);
                    return;
                }
            case PhysicalType.ByteArray when logical is LogicalTypeKind.String or LogicalTypeKind.Enum:
                {
                    switch (token)
                    {
                        case JsonTokenType.String:
                            WriteString(column, ref reader, repetition);
                            return;
                        case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                            column.AddBytes(repetition, reader.ValueSpan);
                            return;
                        case JsonTokenType.StartObject or JsonTokenType.StartArray:
                            {
                                // Nested JSON into a string column keeps its JSON text.
                                var start = (int)reader.TokenStartIndex;
                                SkipValue(ref reader);
                                column.AddBytes(repetition, json[start..(int)reader.BytesConsumed]);
                                return;
                            }
                    }
                    throw Fail(node, $"expected a string, got {JsonSerDeReading.Describe(ref reader)}");
                }
            case PhysicalType.FixedLenByteArray when logical == LogicalTypeKind.Uuid:
                {
                    if (token == JsonTokenType.String && Utf8Parser.TryParse(reader.ValueSpan, out Guid guid, out var used) && used == reader.ValueSpan.Length)
                    {
                        Span<byte> bytes = stackalloc byte[16];
                        guid.TryWriteBytes(bytes, bigEndian: true, out _);
                        column.AddBytes(repetition, bytes);
                        return;
                    }
                    throw Fail(node, $"not a UUID: {JsonSerDeReading.Text(ref reader)}");
                }
            case PhysicalType.ByteArray or PhysicalType.FixedLenByteArray:
                {
                    // Binary columns take base64 text.
                    if (token == JsonTokenType.String && reader.TryGetBytesFromBase64(out var bytes))
                    {
                        if (node.Type == PhysicalType.FixedLenByteArray && bytes.Length != node.TypeLength)
                        {
                            throw Fail(node, $"needs exactly {node.TypeLength} bytes, got {bytes.Length}");
                        }
                        column.AddBytes(repetition, bytes);
                        return;
                    }
                    throw Fail(node, $"expected base64 text, got {JsonSerDeReading.Text(ref reader)}");
                }
            default:
                throw Fail(node, $"type {node.Type} is not supported by the JSON conversion");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteDecimal(PrimitiveNode node, ColumnWriter column, ref Utf8JsonReader reader, int repetition)
    {
        if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String) || reader.ValueIsEscaped)
        {
            throw Fail(node, $"expected a decimal number, got {JsonSerDeReading.Text(ref reader)}");
        }
        var logical = node.LogicalType!;
        if (node.Type is PhysicalType.Int32 or PhysicalType.Int64 && TryParseUnscaledInt64(reader.ValueSpan, logical.Scale, out var small))
        {
            // Fast path, no BigInteger: plain decimal text whose unscaled value fits 64 bits.
            if (small <= -Pow10Int64[logical.Precision] || small >= Pow10Int64[logical.Precision])
            {
                throw Fail(node, $"{JsonSerDeReading.Text(ref reader)} has more than {logical.Precision} digits ({logical})");
            }
            column.AddLong(repetition, small);
            return;
        }
        if (!TryParseUnscaled(reader.ValueSpan, logical.Scale, out var unscaled, out var problem))
        {
            throw Fail(node, $"{JsonSerDeReading.Text(ref reader)} is not a {logical}: {problem}");
        }
        if (BigInteger.Abs(unscaled) >= BigInteger.Pow(10, logical.Precision))
        {
            throw Fail(node, $"{JsonSerDeReading.Text(ref reader)} has more than {logical.Precision} digits ({logical})");
        }
        switch (node.Type)
        {
            case PhysicalType.Int32 or PhysicalType.Int64:
                column.AddLong(repetition, (long)unscaled);
                break;
            case PhysicalType.FixedLenByteArray:
                {
                    var span = column.BeginBytes(node.TypeLength)[..node.TypeLength];
                    span.Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
                    var needed = unscaled.GetByteCount();
                    unscaled.TryWriteBytes(span[(node.TypeLength - needed)..], out _, isUnsigned: false, isBigEndian: true);
                    column.CommitBytes(repetition, node.TypeLength);
                    break;
                }
            default:
                column.AddBytes(repetition, unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
                break;
        }
    }

    private static readonly long[] Pow10Int64 = [.. Enumerable.Range(0, 19).Select(i => (long)BigInteger.Pow(10, i))];

    /// <summary>
    /// Decimal text without exponent whose unscaled value at <paramref name="scale"/> fits 64 bits.
    /// False for anything else (exponents, too many fraction digits, overflow): the exact path decides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryParseUnscaledInt64(ReadOnlySpan<byte> text, int scale, out long unscaled)
    {
        unscaled = 0;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] is (byte)'-' or (byte)'+')
        {
            negative = text[0] == '-';
            i++;
        }
        long value = 0;
        var digits = 0;
        var fractionDigits = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && fractionDigits < 0)
            {
                fractionDigits = 0;
                continue;
            }
            if (c is < (byte)'0' or > (byte)'9' || digits >= 18)
            {
                return false;
            }
            value = (value * 10) + (c - '0');
            digits++;
            if (fractionDigits >= 0)
            {
                fractionDigits++;
            }
        }
        fractionDigits = Math.Max(fractionDigits, 0);
        if (digits == 0 || fractionDigits > scale || scale - fractionDigits + digits > 18)
        {
            return false;
        }
        value *= Pow10Int64[scale - fractionDigits];
        unscaled = negative ? -value : value;
        return true;
    }

    /// <summary>Exact decimal text (sign, digits, fraction, exponent) → unscaled integer at <paramref name="scale"/>; no binary floating point.</summary>
    internal static bool TryParseUnscaled(ReadOnlySpan<byte> text, int scale, out BigInteger unscaled, out string? problem)
    {
        unscaled = BigInteger.Zero;
        problem = null;
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] is (byte)'-' or (byte)'+')
        {
            negative = text[i] == '-';
            i++;
        }
        long accumulator = 0;
        var accumulatorDigits = 0;
        var digits = 0;
        var fractionDigits = 0;
        var seenPoint = false;
        var result = BigInteger.Zero;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            if (c is < (byte)'0' or > (byte)'9')
            {
                break;
            }
            accumulator = (accumulator * 10) + (c - '0');
            accumulatorDigits++;
            if (accumulatorDigits == 18)
            {
                result = (result * BigInteger.Pow(10, 18)) + accumulator;
                accumulator = 0;
                accumulatorDigits = 0;
            }
            digits++;
            if (seenPoint)
            {
                fractionDigits++;
            }
        }
        result = (result * BigInteger.Pow(10, accumulatorDigits)) + accumulator;
        if (digits == 0)
        {
            problem = "no digits";
            return false;
        }
        var exponent = 0;
        if (i < text.Length && text[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (!Utf8Parser.TryParse(text[i..], out exponent, out var used) || i + used != text.Length || Math.Abs(exponent) > 400)
            {
                problem = "bad exponent";
                return false;
            }
            i = text.Length;
        }
        if (i != text.Length)
        {
            problem = "not a number";
            return false;
        }
        var shift = scale - fractionDigits + exponent;
        if (shift >= 0)
        {
            result *= BigInteger.Pow(10, shift);
        }
        else
        {
            var divisor = BigInteger.Pow(10, -shift);
            var quotient = BigInteger.DivRem(result, divisor, out var remainder);
            if (!remainder.IsZero)
            {
                problem = $"more than {scale} fraction digits";
                return false;
            }
            result = quotient;
        }
        unscaled = negative ? -result : result;
        return true;
    }

}
