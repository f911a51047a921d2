using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Tributary.Formats.Json;
using Tributary.Orc.Compression;
using Tributary.Orc.Metadata;
using Tributary.Orc.Writer;

namespace Tributary.Orc.Json;

/// <summary>
/// JSON records → ORC rows with Firehose's deserializer behaviours, the same as the JSON → Parquet conversion
/// (<see cref="JsonToParquetConverter"/>, docs/formats/json-to-parquet.md): OpenX or Hive key matching (case-insensitive,
/// dots to underscores, column-to-key mappings), booleans from "true"/"false", numbers from numeric strings, any JSON
/// into string columns (nested values keep their JSON text), base64 into binary, decimals parsed exactly, dates and
/// timestamps in the forms <see cref="TimestampParser"/> takes (Hive's TimestampFormats included); missing fields are
/// null. A record is first converted into a list of column operations and only written when the whole record
/// converted, so a rejected record leaves nothing behind. Not thread-safe.
/// </summary>
public sealed class JsonToOrcConverter : IJsonRecordConverter
{
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    private readonly OrcWriter _writer;
    private readonly JsonSerDeOptions _options;
    private readonly Plan _root;
    private readonly ColumnWriter[] _columns;
    private Operation[] _operations = new Operation[64];
    private int _count;
    private readonly ByteBuffer _scratch = new(1024);
    private readonly List<BigInteger> _bigs = [];
    private char[] _keyBuffer = new char[64];
    private long _recordNumber;

    public JsonToOrcConverter(OrcWriter writer, JsonSerDeOptions? options = null)
    {
        _writer = writer;
        _options = options ?? new JsonSerDeOptions();
        var columns = new List<ColumnWriter>();
        Collect(writer.Root, columns);
        _columns = [.. columns];
        _root = BuildPlan(writer.Root, isRoot: true);

        static void Collect(ColumnWriter column, List<ColumnWriter> into)
        {
            into.Add(column);
            foreach (var child in column.Children)
            {
                Collect(child, into);
            }
        }
    }

    private enum OperationKind : byte
    {
        Null,
        Struct,
        Length,
        Boolean,
        Integer,
        Double,
        Bytes,
        DecimalSmall,
        DecimalBig,
        Timestamp,
    }

    private struct Operation
    {
        public OperationKind Kind;
        public int Column;
        public long Long;
        public double Double;
        public int Start;
        public int Length;
    }

    private sealed class Plan
    {
        public required TypeDescription Type { get; init; }
        public Plan[] Children { get; init; } = [];
        public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; init; }
        public bool[] Seen { get; init; } = [];
        public byte[][] Keys { get; init; } = [];
        public string Path { get; init; } = "";
    }

    private Plan BuildPlan(ColumnWriter column, bool isRoot = false, string path = "")
    {
        var type = column.Type;
        if (type.Kind != OrcTypeKind.Struct)
        {
            return new Plan
            {
                Type = type,
                Path = path,
                Children = [.. column.Children.Select((c, i) => BuildPlan(c, false, type.Kind == OrcTypeKind.Map ? path + (i == 0 ? ".key" : ".value") : path + "[]"))],
            };
        }
        var keys = new Dictionary<string, int>(_options.IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var utf8Keys = new byte[type.Children.Count][];
        var children = new Plan[type.Children.Count];
        for (var i = 0; i < type.Children.Count; i++)
        {
            var name = type.FieldNames[i];
            children[i] = BuildPlan(column.Children[i], false, path.Length == 0 ? name : path + "." + name);
            if (isRoot && _options.Kind == JsonSerDeKind.OpenX && _options.ColumnToJsonKeyMappings?.TryGetValue(name, out var mapped) == true)
            {
                name = mapped;
            }
            keys.TryAdd(name, i);
            utf8Keys[i] = Encoding.UTF8.GetBytes(name);
        }
        return new Plan { Type = type, Path = path, Children = children, Lookup = keys.GetAlternateLookup<ReadOnlySpan<char>>(), Seen = new bool[children.Length], Keys = utf8Keys };
    }

    private sealed class FieldException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    private static FieldException Fail(Plan plan, string message) => new(plan.Path, message);

    /// <summary>Writes one JSON record as a row, or rejects it (nothing written) with the field and reason.</summary>
    public bool TryWriteRecord(ReadOnlySpan<byte> json, out RejectedRecord? rejection)
    {
        var number = _recordNumber++;
        _count = 0;
        _scratch.Clear();
        _bigs.Clear();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FieldException("", "a record must be a JSON object");
            }
            ConvertStructFields(_root, ref reader, json);
            if (reader.Read())
            {
                throw new FieldException("", "text follows the record's object");
            }
        }
        catch (FieldException e)
        {
            rejection = new RejectedRecord(number, e.Field, e.Message, json.ToArray());
            return false;
        }
        catch (JsonException e)
        {
            rejection = new RejectedRecord(number, "", "invalid JSON: " + e.Message, json.ToArray());
            return false;
        }
        Replay();
        _writer.EndRow();
        rejection = null;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Replay()
    {
        var scratch = _scratch.Array;
        for (var i = 0; i < _count; i++)
        {
            ref var op = ref _operations[i];
            var column = _columns[op.Column];
            switch (op.Kind)
            {
                case OperationKind.Null: column.WriteNull(); break;
                case OperationKind.Struct: ((StructColumnWriter)column).Write(); break;
                case OperationKind.Length: ((RepeatedColumnWriter)column).Write((int)op.Long); break;
                case OperationKind.Boolean: ((BooleanColumnWriter)column).Write(op.Long != 0); break;
                case OperationKind.Integer:
                    if (column is ByteColumnWriter b)
                    {
                        b.Write(op.Long);
                    }
                    else
                    {
                        ((IntegerColumnWriter)column).Write(op.Long);
                    }
                    break;
                case OperationKind.Double: ((FloatingColumnWriter)column).Write(op.Double); break;
                case OperationKind.Bytes:
                    if (column is StringColumnWriter s)
                    {
                        s.Write(scratch.AsSpan(op.Start, op.Length));
                    }
                    else
                    {
                        ((BinaryColumnWriter)column).Write(scratch.AsSpan(op.Start, op.Length));
                    }
                    break;
                case OperationKind.DecimalSmall: ((DecimalColumnWriter)column).Write(op.Long); break;
                case OperationKind.DecimalBig: ((DecimalColumnWriter)column).Write(_bigs[(int)op.Long]); break;
                case OperationKind.Timestamp: ((TimestampColumnWriter)column).Write(op.Long, op.Length); break;
            }
        }
    }

    private ref Operation Add(OperationKind kind, Plan plan)
    {
        if (_count == _operations.Length)
        {
            Array.Resize(ref _operations, _count * 2);
        }
        ref var op = ref _operations[_count++];
        op.Kind = kind;
        op.Column = plan.Type.Id;
        return ref op;
    }

    private int AddBytes(ReadOnlySpan<byte> bytes)
    {
        var start = _scratch.Length;
        _scratch.Write(bytes);
        return start;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvertStructFields(Plan plan, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var seen = plan.Seen;
        Array.Clear(seen);
        var keys = plan.Keys;
        var predicted = 0;
        // Children write their operations in field order, whatever the key order: collect per field first.
        var firstOperation = _count;
        Span<int> starts = plan.Children.Length <= 64 ? stackalloc int[plan.Children.Length] : new int[plan.Children.Length];
        Span<int> ends = plan.Children.Length <= 64 ? stackalloc int[plan.Children.Length] : new int[plan.Children.Length];
        var inOrder = true;
        var last = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = predicted < keys.Length && reader.ValueTextEquals(keys[predicted]) ? predicted : FindChild(plan, ref reader);
            predicted = index + 1;
            reader.Read();
            if (index < 0 || seen[index])
            {
                reader.Skip();
                continue;
            }
            seen[index] = true;
            inOrder &= index > last;
            last = index;
            starts[index] = _count;
            ConvertField(plan.Children[index], ref reader, json);
            ends[index] = _count;
        }
        for (var i = 0; i < plan.Children.Length; i++)
        {
            if (!seen[i])
            {
                starts[i] = _count;
                Add(OperationKind.Null, plan.Children[i]);
                ends[i] = _count;
                inOrder &= i > last;
            }
        }
        if (!inOrder)
        {
            Reorder(firstOperation, starts, ends);
        }
    }

    /// <summary>Puts the operations of a struct's fields into field order (keys came in another order).</summary>
    private void Reorder(int first, Span<int> starts, Span<int> ends)
    {
        var copy = _operations.AsSpan(first, _count - first).ToArray();
        var at = first;
        for (var i = 0; i < starts.Length; i++)
        {
            var length = ends[i] - starts[i];
            copy.AsSpan(starts[i] - first, length).CopyTo(_operations.AsSpan(at));
            at += length;
        }
    }

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
    private void ConvertField(Plan plan, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            Add(OperationKind.Null, plan);
            return;
        }
        var type = plan.Type;
        switch (type.Kind)
        {
            case OrcTypeKind.Struct:
                if (token != JsonTokenType.StartObject)
                {
                    throw Fail(plan, $"expected an object, got {JsonSerDeReading.Describe(ref reader)}");
                }
                Add(OperationKind.Struct, plan);
                ConvertStructFields(plan, ref reader, json);
                return;
            case OrcTypeKind.List:
                {
                    if (token != JsonTokenType.StartArray)
                    {
                        throw Fail(plan, $"expected an array, got {JsonSerDeReading.Describe(ref reader)}");
                    }
                    var header = _count;
                    Add(OperationKind.Length, plan);
                    long elements = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        ConvertField(plan.Children[0], ref reader, json);
                        elements++;
                    }
                    _operations[header].Long = elements;
                    return;
                }
            case OrcTypeKind.Map:
                {
                    if (token != JsonTokenType.StartObject)
                    {
                        throw Fail(plan, $"expected an object, got {JsonSerDeReading.Describe(ref reader)}");
                    }
                    var header = _count;
                    Add(OperationKind.Length, plan);
                    long entries = 0;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        ConvertMapKey(plan.Children[0], ref reader);
                        reader.Read();
                        ConvertField(plan.Children[1], ref reader, json);
                        entries++;
                    }
                    _operations[header].Long = entries;
                    return;
                }
            case OrcTypeKind.Union:
                throw Fail(plan, "uniontype columns are not supported by the JSON conversion");
            default:
                ConvertPrimitive(plan, ref reader, json);
                return;
        }
    }

    private void ConvertMapKey(Plan plan, ref Utf8JsonReader reader)
    {
        switch (plan.Type.Kind)
        {
            case OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char:
                AddString(plan, ref reader);
                return;
            case OrcTypeKind.Byte or OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long
                when !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out long number, out var used) && used == reader.ValueSpan.Length:
                Add(OperationKind.Integer, plan).Long = CheckRange(plan, number);
                return;
            default:
                throw Fail(plan, "map keys must be strings (or integers written as strings for integer keys)");
        }
    }

    private void AddString(Plan plan, ref Utf8JsonReader reader)
    {
        int start;
        int length;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            start = AddBytes(reader.ValueSpan);
            length = reader.ValueSpan.Length;
        }
        else
        {
            var max = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            var span = _scratch.GetSpan(max);
            length = reader.CopyString(span);
            start = _scratch.Length;
            _scratch.Advance(length);
        }
        AddText(plan, start, length);
    }

    /// <summary>varchar(n) keeps at most n characters, char(n) exactly n (padded with spaces), as Hive does.</summary>
    private void AddText(Plan plan, int start, int length)
    {
        var type = plan.Type;
        if (type.Kind is OrcTypeKind.Varchar or OrcTypeKind.Char)
        {
            var text = _scratch.Array.AsSpan(start, length);
            var characters = Encoding.UTF8.GetCharCount(text);
            if (characters > type.MaximumLength || (type.Kind == OrcTypeKind.Char && characters < type.MaximumLength))
            {
                var s = Encoding.UTF8.GetString(text);
                s = characters > type.MaximumLength ? s[..type.MaximumLength] : s.PadRight(type.MaximumLength);
                start = AddBytes(Encoding.UTF8.GetBytes(s));
                length = _scratch.Length - start;
            }
        }
        ref var op = ref Add(OperationKind.Bytes, plan);
        op.Start = start;
        op.Length = length;
    }

    private static long CheckRange(Plan plan, long value)
    {
        var (min, max) = plan.Type.Kind switch
        {
            OrcTypeKind.Byte => (sbyte.MinValue, sbyte.MaxValue),
            OrcTypeKind.Short => (short.MinValue, short.MaxValue),
            OrcTypeKind.Int => (int.MinValue, (long)int.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        return value >= min && value <= max ? value : throw Fail(plan, $"{value} is out of range for {plan.Type}");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvertPrimitive(Plan plan, ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var token = reader.TokenType;
        switch (plan.Type.Kind)
        {
            case OrcTypeKind.Boolean:
                if (token is JsonTokenType.True or JsonTokenType.False)
                {
                    Add(OperationKind.Boolean, plan).Long = token == JsonTokenType.True ? 1 : 0;
                    return;
                }
                if (token == JsonTokenType.String)
                {
                    if (reader.ValueTextEquals("true"u8) || reader.ValueTextEquals("TRUE"u8) || reader.ValueTextEquals("True"u8))
                    {
                        Add(OperationKind.Boolean, plan).Long = 1;
                        return;
                    }
                    if (reader.ValueTextEquals("false"u8) || reader.ValueTextEquals("FALSE"u8) || reader.ValueTextEquals("False"u8))
                    {
                        Add(OperationKind.Boolean, plan).Long = 0;
                        return;
                    }
                }
                throw Fail(plan, $"expected a boolean, got {JsonSerDeReading.Describe(ref reader)}");
            case OrcTypeKind.Byte or OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long:
                if (token is JsonTokenType.Number or JsonTokenType.String
                    && !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out long value, out var used) && used == reader.ValueSpan.Length)
                {
                    Add(OperationKind.Integer, plan).Long = CheckRange(plan, value);
                    return;
                }
                throw Fail(plan, $"expected an integer, got {JsonSerDeReading.Text(ref reader)}");
            case OrcTypeKind.Float or OrcTypeKind.Double:
                {
                    if (token == JsonTokenType.Number && reader.TryGetDouble(out var d))
                    {
                        Add(OperationKind.Double, plan).Double = d;
                        return;
                    }
                    if (token == JsonTokenType.String && !reader.ValueIsEscaped)
                    {
                        var text = reader.ValueSpan;
                        if (Utf8Parser.TryParse(text, out double parsed, out var consumed) && consumed == text.Length)
                        {
                            Add(OperationKind.Double, plan).Double = parsed;
                            return;
                        }
                        if (text.SequenceEqual("NaN"u8) || text.SequenceEqual("Infinity"u8) || text.SequenceEqual("-Infinity"u8))
                        {
                            Add(OperationKind.Double, plan).Double = text[0] == 'N' ? double.NaN : text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
                            return;
                        }
                    }
                    throw Fail(plan, $"expected a number, got {JsonSerDeReading.Text(ref reader)}");
                }
            case OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char:
                switch (token)
                {
                    case JsonTokenType.String:
                        AddString(plan, ref reader);
                        return;
                    case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                        {
                            var start = AddBytes(reader.ValueSpan);
                            AddText(plan, start, reader.ValueSpan.Length);
                            return;
                        }
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        {
                            // Nested JSON into a string column keeps its JSON text.
                            var begin = (int)reader.TokenStartIndex;
                            reader.Skip();
                            var start = AddBytes(json[begin..(int)reader.BytesConsumed]);
                            AddText(plan, start, (int)reader.BytesConsumed - begin);
                            return;
                        }
                }
                throw Fail(plan, $"expected a string, got {JsonSerDeReading.Describe(ref reader)}");
            case OrcTypeKind.Binary:
                if (token == JsonTokenType.String && reader.TryGetBytesFromBase64(out var bytes))
                {
                    ref var op = ref Add(OperationKind.Bytes, plan);
                    op.Start = AddBytes(bytes);
                    op.Length = bytes.Length;
                    return;
                }
                throw Fail(plan, $"expected base64 text, got {JsonSerDeReading.Text(ref reader)}");
            case OrcTypeKind.Date:
                {
                    if (token == JsonTokenType.Number && reader.TryGetInt32(out var days))
                    {
                        Add(OperationKind.Integer, plan).Long = days;
                        return;
                    }
                    if (token == JsonTokenType.String && TimestampParser.TryParseText(reader.ValueSpan, out var nanos))
                    {
                        Add(OperationKind.Integer, plan).Long = (long)Math.Floor(nanos / 86_400_000_000_000d);
                        return;
                    }
                    throw Fail(plan, $"not a date: {JsonSerDeReading.Text(ref reader)}");
                }
            case OrcTypeKind.Timestamp:
                {
                    if (!JsonSerDeReading.TryReadTimestamp(ref reader, _options, out var nanos))
                    {
                        throw Fail(plan, $"not a timestamp: {JsonSerDeReading.Text(ref reader)}");
                    }
                    ref var op = ref Add(OperationKind.Timestamp, plan);
                    op.Long = Math.DivRem(nanos, 1_000_000_000L, out var remainder) - (remainder < 0 ? 1 : 0);
                    op.Length = (int)(remainder < 0 ? remainder + 1_000_000_000L : remainder);
                    return;
                }
            case OrcTypeKind.Decimal:
                ConvertDecimal(plan, ref reader);
                return;
            default:
                throw Fail(plan, $"{plan.Type} is not supported by the JSON conversion");
        }
    }

    private static readonly long[] Pow10 = [.. Enumerable.Range(0, 19).Select(i => (long)BigInteger.Pow(10, i))];

    private void ConvertDecimal(Plan plan, ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String) || reader.ValueIsEscaped)
        {
            throw Fail(plan, $"expected a decimal number, got {JsonSerDeReading.Text(ref reader)}");
        }
        var type = plan.Type;
        if (type.Precision <= 18 && JsonToParquetConverter.TryParseUnscaledInt64(reader.ValueSpan, type.Scale, out var small))
        {
            if (small <= -Pow10[type.Precision] || small >= Pow10[type.Precision])
            {
                throw Fail(plan, $"{JsonSerDeReading.Text(ref reader)} has more than {type.Precision} digits ({type})");
            }
            Add(OperationKind.DecimalSmall, plan).Long = small;
            return;
        }
        if (!JsonToParquetConverter.TryParseUnscaled(reader.ValueSpan, type.Scale, out var unscaled, out var problem))
        {
            throw Fail(plan, $"{JsonSerDeReading.Text(ref reader)} is not a {type}: {problem}");
        }
        if (BigInteger.Abs(unscaled) >= BigInteger.Pow(10, type.Precision))
        {
            throw Fail(plan, $"{JsonSerDeReading.Text(ref reader)} has more than {type.Precision} digits ({type})");
        }
        if (unscaled >= long.MinValue && unscaled <= long.MaxValue)
        {
            Add(OperationKind.DecimalSmall, plan).Long = (long)unscaled;
            return;
        }
        _bigs.Add(unscaled);
        Add(OperationKind.DecimalBig, plan).Long = _bigs.Count - 1;
    }
}
