using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Tributary.Orc.Encodings;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Reader;

/// <summary>
/// Decodes one column of a stripe into values. A column has one entry per non-null value of its parent (a struct's
/// fields per present struct, a list's element per element, a union's variant per row with its tag); the PRESENT
/// stream, when there is one, says which of its own entries are null. Readers are created in pre-order and open their
/// streams in the specification's order, so a row index entry's positions are consumed as they were recorded.
/// </summary>
internal abstract class ColumnReader
{
    private static readonly long OrcEpochUtc = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    protected readonly StripeData Stripe;
    protected readonly TypeDescription Type;
    private readonly BooleanDecoder? _present;
    private readonly Func<int, PositionCursor>? _seek;
    private readonly PositionCursor? _cursor;

    protected ColumnReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek)
    {
        Stripe = stripe;
        Type = type;
        _seek = seek;
        _cursor = seek?.Invoke(type.Id);
        if (OpenStream(OrcStreamKind.Present, required: false) is { } present)
        {
            _present = new BooleanDecoder(present);
            if (_cursor is not null)
            {
                var bytes = _cursor.Next();
                var bits = _cursor.Next();
                _present.Seek(bytes, bits);
            }
        }
    }

    protected OrcColumnEncodingKind Encoding => Stripe.Footer.Columns[Type.Id].Kind;

    protected bool IsV2 => Encoding is OrcColumnEncodingKind.DirectV2 or OrcColumnEncodingKind.DictionaryV2;

    protected string Describe(OrcStreamKind kind) => $"stripe {Stripe.Index} column {Type.Id} ({Type}) {kind} stream";

    public static ColumnReader Create(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) => type.Kind switch
    {
        OrcTypeKind.Boolean => new BooleanReader(stripe, type, seek),
        OrcTypeKind.Byte => new ByteReader(stripe, type, seek),
        OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long => new IntegerReader(stripe, type, seek),
        OrcTypeKind.Date => new DateReader(stripe, type, seek),
        OrcTypeKind.Float => new FloatReader(stripe, type, seek),
        OrcTypeKind.Double => new DoubleReader(stripe, type, seek),
        OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char => new StringReader(stripe, type, seek, binary: false),
        OrcTypeKind.Binary => new StringReader(stripe, type, seek, binary: true),
        OrcTypeKind.Timestamp or OrcTypeKind.TimestampInstant => new TimestampReader(stripe, type, seek),
        OrcTypeKind.Decimal => new DecimalReader(stripe, type, seek),
        OrcTypeKind.Struct => new StructReader(stripe, type, seek),
        OrcTypeKind.List => new ListReader(stripe, type, seek),
        OrcTypeKind.Map => new MapReader(stripe, type, seek),
        OrcTypeKind.Union => new UnionReader(stripe, type, seek),
        _ => throw new OrcFormatException($"ORC column {type.Id}: unsupported type kind {type.Kind}."),
    };

    protected ColumnReader Child(TypeDescription type) => Create(Stripe, type, _seek);

    /// <summary>Opens a stream, seeking to this column's row index position for it when reading a row group.</summary>
    protected StreamInput? OpenStream(OrcStreamKind kind, bool required)
    {
        if (!Stripe.HasStream(Type.Id, kind))
        {
            return required ? throw new OrcFormatException($"Malformed ORC stripe {Stripe.Index}: column {Type.Id} ({Type}) lacks its {kind} stream.") : null;
        }
        if (_cursor is null)
        {
            return new StreamInput(Stripe.Stream(Type.Id, kind)!, Describe(kind));
        }
        var compressed = Stripe.Reader.PostScript.Compression != OrcCompression.None;
        var first = _cursor.Next();
        var input = new StreamInput(Stripe.Stream(Type.Id, kind, compressed ? first : 0)!, Describe(kind));
        input.Position = checked((int)(compressed ? _cursor.Next() : first));
        return input;
    }

    protected IIntegerDecoder OpenIntegers(OrcStreamKind kind, bool signed)
    {
        var input = OpenStream(kind, required: true)!;
        IIntegerDecoder decoder = IsV2 ? new IntegerRleV2Decoder(input, signed) : new IntegerRleV1Decoder(input, signed);
        if (_cursor is not null)
        {
            decoder.Seek(_cursor.Next());
        }
        return decoder;
    }

    protected ByteRleDecoder OpenBytes(OrcStreamKind kind)
    {
        var decoder = new ByteRleDecoder(OpenStream(kind, required: true)!);
        if (_cursor is not null)
        {
            decoder.Skip(_cursor.Next());
        }
        return decoder;
    }

    protected void CheckEncoding(params OrcColumnEncodingKind[] allowed)
    {
        if (Array.IndexOf(allowed, Encoding) < 0)
        {
            throw new OrcFormatException($"Malformed ORC stripe {Stripe.Index}: column {Type.Id} ({Type}) has encoding {Encoding}, which that type does not use.");
        }
    }

    /// <summary>The values of <paramref name="count"/> entries; null entries are null.</summary>
    public object?[] Read(int count)
    {
        var values = new object?[count];
        var nonNull = count;
        bool[]? present = null;
        if (_present is not null)
        {
            present = new bool[count];
            nonNull = 0;
            for (var i = 0; i < count; i++)
            {
                present[i] = _present.Next();
                nonNull += present[i] ? 1 : 0;
            }
        }
        var dense = ReadValues(nonNull);
        if (present is null)
        {
            return dense;
        }
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            if (present[i])
            {
                values[i] = dense[next++];
            }
        }
        return values;
    }

    /// <summary>Reads <paramref name="count"/> non-null values.</summary>
    protected abstract object?[] ReadValues(int count);

    private sealed class BooleanReader : ColumnReader
    {
        private readonly BooleanDecoder _data;

        public BooleanReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct);
            _data = new BooleanDecoder(OpenStream(OrcStreamKind.Data, true)!);
            if (_cursor is not null)
            {
                var bytes = _cursor.Next();
                _data.Seek(bytes, _cursor.Next());
            }
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = _data.Next();
            }
            return values;
        }
    }

    private sealed class ByteReader : ColumnReader
    {
        private readonly ByteRleDecoder _data;

        public ByteReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct);
            _data = OpenBytes(OrcStreamKind.Data);
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (long)(sbyte)_data.Next();
            }
            return values;
        }
    }

    private sealed class IntegerReader : ColumnReader
    {
        private readonly IIntegerDecoder _data;

        public IntegerReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct, OrcColumnEncodingKind.DirectV2);
            _data = OpenIntegers(OrcStreamKind.Data, signed: true);
        }

        protected override object?[] ReadValues(int count)
        {
            var (min, max) = Type.Kind switch
            {
                OrcTypeKind.Short => (short.MinValue, short.MaxValue),
                OrcTypeKind.Int => (int.MinValue, (long)int.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                var v = _data.Next();
                if (v < min || v > max)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Data)}: value {v} is out of range for {Type}.");
                }
                values[i] = v;
            }
            return values;
        }
    }

    private sealed class DateReader : ColumnReader
    {
        private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;
        private readonly IIntegerDecoder _data;

        public DateReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct, OrcColumnEncodingKind.DirectV2);
            _data = OpenIntegers(OrcStreamKind.Data, signed: true);
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                var days = _data.Next() + Epoch;
                if (days < DateOnly.MinValue.DayNumber || days > DateOnly.MaxValue.DayNumber)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Data)}: day {days - Epoch} is outside years 1..9999.");
                }
                values[i] = DateOnly.FromDayNumber((int)days);
            }
            return values;
        }
    }

    private sealed class FloatReader : ColumnReader
    {
        private readonly StreamInput _data;

        public FloatReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct);
            _data = OpenStream(OrcStreamKind.Data, true)!;
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(_data.ReadBytes(4));
            }
            return values;
        }
    }

    private sealed class DoubleReader : ColumnReader
    {
        private readonly StreamInput _data;

        public DoubleReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct);
            _data = OpenStream(OrcStreamKind.Data, true)!;
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(_data.ReadBytes(8));
            }
            return values;
        }
    }

    /// <summary>String, varchar, char (as text) and binary: direct (DATA bytes + LENGTH) or dictionary (DATA indexes,
    /// DICTIONARY_DATA + LENGTH of the entries).</summary>
    private sealed class StringReader : ColumnReader
    {
        private readonly bool _binary;
        private readonly StreamInput? _bytes;
        private readonly IIntegerDecoder _lengthsOrIndexes;
        private readonly object[]? _dictionary;
        private static readonly UTF8Encoding Utf8 = new(false, true);

        public StringReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek, bool binary) : base(stripe, type, seek)
        {
            _binary = binary;
            if (binary)
            {
                CheckEncoding(OrcColumnEncodingKind.Direct, OrcColumnEncodingKind.DirectV2);
            }
            if (Encoding is OrcColumnEncodingKind.Direct or OrcColumnEncodingKind.DirectV2)
            {
                _bytes = OpenStream(OrcStreamKind.Data, true)!;
                _lengthsOrIndexes = OpenIntegers(OrcStreamKind.Length, signed: false);
                return;
            }
            CheckEncoding(OrcColumnEncodingKind.Dictionary, OrcColumnEncodingKind.DictionaryV2);
            _lengthsOrIndexes = OpenIntegers(OrcStreamKind.Data, signed: false);
            var size = stripe.Footer.Columns[type.Id].DictionarySize;
            var blob = Stripe.Stream(type.Id, OrcStreamKind.DictionaryData);
            var lengthData = Stripe.Stream(type.Id, OrcStreamKind.Length);
            if (size > 0 && (blob is null || lengthData is null))
            {
                throw new OrcFormatException($"Malformed ORC stripe {stripe.Index}: dictionary column {type.Id} ({type}) lacks its {(blob is null ? "DICTIONARY_DATA" : "LENGTH")} stream.");
            }
            var lengthInput = new StreamInput(lengthData ?? [], Describe(OrcStreamKind.Length));
            IIntegerDecoder lengths = IsV2 ? new IntegerRleV2Decoder(lengthInput, false) : new IntegerRleV1Decoder(lengthInput, false);
            var blobInput = new StreamInput(blob ?? [], Describe(OrcStreamKind.DictionaryData));
            if (size > blobInput.Length + 1_000_000)
            {
                throw new OrcFormatException($"Malformed ORC stripe {stripe.Index}: dictionary of column {type.Id} claims {size} entries.");
            }
            _dictionary = new object[size];
            for (var i = 0; i < size; i++)
            {
                var length = lengths.Next();
                if (length < 0 || length > int.MaxValue)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Length)}: dictionary entry {i} has length {length}.");
                }
                _dictionary[i] = Decode(blobInput.ReadBytes((int)length), blobInput);
            }
        }

        private object Decode(ReadOnlySpan<byte> bytes, StreamInput input)
        {
            if (_binary)
            {
                return bytes.ToArray();
            }
            try
            {
                return Utf8.GetString(bytes);
            }
            catch (ArgumentException)
            {
                throw input.Corrupt("a string value is not valid UTF-8");
            }
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                var v = _lengthsOrIndexes.Next();
                if (_dictionary is not null)
                {
                    if (v < 0 || v >= _dictionary.Length)
                    {
                        throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Data)}: dictionary index {v} is outside the {_dictionary.Length}-entry dictionary.");
                    }
                    values[i] = _dictionary[v];
                }
                else
                {
                    if (v < 0 || v > int.MaxValue)
                    {
                        throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Length)}: length {v}.");
                    }
                    values[i] = Decode(_bytes!.ReadBytes((int)v), _bytes);
                }
            }
            return values;
        }
    }

    /// <summary>DATA: signed seconds since 2015-01-01 00:00:00 in the writer's zone; SECONDARY: nanoseconds with the
    /// count of trailing decimal zeros in the low three bits.</summary>
    private sealed class TimestampReader : ColumnReader
    {
        private readonly IIntegerDecoder _seconds;
        private readonly IIntegerDecoder _nanos;
        private readonly long _epoch;

        public TimestampReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct, OrcColumnEncodingKind.DirectV2);
            _seconds = OpenIntegers(OrcStreamKind.Data, signed: true);
            _nanos = OpenIntegers(OrcStreamKind.Secondary, signed: false);
            _epoch = type.Kind == OrcTypeKind.TimestampInstant ? OrcEpochUtc : OrcEpochUtc - (long)stripe.WriterTimezone.GetUtcOffset(new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
        }

        protected override object?[] ReadValues(int count)
        {
            var zone = Stripe.WriterTimezone;
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                var seconds = _seconds.Next();
                var encoded = (ulong)_nanos.Next();
                var zeros = (int)(encoded & 7);
                var nanos = (long)(encoded >> 3);
                for (var z = 0; zeros != 0 && z <= zeros; z++)
                {
                    nanos *= 10;
                }
                if (nanos > 999_999_999)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Secondary)}: {nanos} nanoseconds.");
                }
                if (seconds is > 1L << 40 or < -(1L << 40))
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Data)}: {seconds} seconds is out of range.");
                }
                var utc = seconds + _epoch;
                var wall = utc;
                if (Type.Kind == OrcTypeKind.Timestamp && zone != TimeZoneInfo.Utc)
                {
                    wall = utc + (long)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(utc, -62135596800L, 253402300799L)).UtcDateTime).TotalSeconds;
                }
                if (wall < 0 && nanos > 999_999)
                {
                    wall -= 1;
                }
                values[i] = new OrcTimestamp(wall, (int)nanos);
            }
            return values;
        }
    }

    /// <summary>DATA: unbounded zigzag varints; SECONDARY: each value's scale (signed RLE).</summary>
    private sealed class DecimalReader : ColumnReader
    {
        private static readonly BigInteger Limit = BigInteger.Pow(10, 38);
        private readonly StreamInput _data;
        private readonly IIntegerDecoder _scales;

        public DecimalReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct, OrcColumnEncodingKind.DirectV2);
            _data = OpenStream(OrcStreamKind.Data, true)!;
            if (!stripe.HasStream(type.Id, OrcStreamKind.Secondary))
            {
                throw new OrcFormatException($"Unsupported ORC stripe {stripe.Index}: decimal column {type.Id} has no SECONDARY (scale) stream (ORC v2's decimal64 encoding is not supported).");
            }
            _scales = OpenIntegers(OrcStreamKind.Secondary, signed: true);
        }

        protected override object?[] ReadValues(int count)
        {
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                var unscaled = _data.ReadSignedBigVarint();
                var scale = _scales.Next();
                if (scale is < 0 or > 38 || BigInteger.Abs(unscaled) >= Limit)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Secondary)}: decimal {unscaled} with scale {scale} is out of range.");
                }
                var value = new OrcDecimal(unscaled, (int)scale);
                values[i] = Type.Precision == 0 ? Hive11(value) : value.Rescale(Type.Scale);
            }
            return values;
        }
    }

    /// <summary>
    /// Hive 0.11 wrote decimals without precision or scale (precision 0 in the type). Like Apache ORC's C++ reader
    /// (its forced scale for Hive 0.11 decimals, 6 by default), they are read at scale 6, extra digits truncated.
    /// </summary>
    private static OrcDecimal Hive11(OrcDecimal value) => value.Scale <= 6
        ? value.Rescale(6)
        : new OrcDecimal(BigInteger.Divide(value.Unscaled, BigInteger.Pow(10, value.Scale - 6)), 6);

    private sealed class StructReader : ColumnReader
    {
        private readonly ColumnReader[] _fields;

        public StructReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct);
            _fields = [.. type.Children.Select(Child)];
        }

        protected override object?[] ReadValues(int count)
        {
            var columns = new object?[_fields.Length][];
            for (var f = 0; f < _fields.Length; f++)
            {
                columns[f] = _fields[f].Read(count);
            }
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                var row = new object?[_fields.Length];
                for (var f = 0; f < _fields.Length; f++)
                {
                    row[f] = columns[f][i];
                }
                values[i] = new OrcStruct(row);
            }
            return values;
        }
    }

    private abstract class RepeatedReader : ColumnReader
    {
        private readonly IIntegerDecoder _lengths;

        protected RepeatedReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct, OrcColumnEncodingKind.DirectV2);
            _lengths = OpenIntegers(OrcStreamKind.Length, signed: false);
        }

        protected int[] Lengths(int count, out int total)
        {
            var lengths = new int[count];
            long sum = 0;
            for (var i = 0; i < count; i++)
            {
                var length = _lengths.Next();
                sum += length;
                if (length < 0 || sum > 100_000_000)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Length)}: length {length} (total {sum}) is out of range.");
                }
                lengths[i] = (int)length;
            }
            total = (int)sum;
            return lengths;
        }
    }

    private sealed class ListReader : RepeatedReader
    {
        private readonly ColumnReader _element;

        public ListReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek) => _element = Child(type.Children[0]);

        protected override object?[] ReadValues(int count)
        {
            var lengths = Lengths(count, out var total);
            var elements = _element.Read(total);
            var values = new object?[count];
            var next = 0;
            for (var i = 0; i < count; i++)
            {
                var list = new List<object?>(lengths[i]);
                for (var j = 0; j < lengths[i]; j++)
                {
                    list.Add(elements[next++]);
                }
                values[i] = list;
            }
            return values;
        }
    }

    private sealed class MapReader : RepeatedReader
    {
        private readonly ColumnReader _key;
        private readonly ColumnReader _value;

        public MapReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            _key = Child(type.Children[0]);
            _value = Child(type.Children[1]);
        }

        protected override object?[] ReadValues(int count)
        {
            var lengths = Lengths(count, out var total);
            var keys = _key.Read(total);
            var items = _value.Read(total);
            var values = new object?[count];
            var next = 0;
            for (var i = 0; i < count; i++)
            {
                var map = new List<KeyValuePair<object?, object?>>(lengths[i]);
                for (var j = 0; j < lengths[i]; j++, next++)
                {
                    map.Add(new(keys[next], items[next]));
                }
                values[i] = map;
            }
            return values;
        }
    }

    private sealed class UnionReader : ColumnReader
    {
        private readonly ByteRleDecoder _tags;
        private readonly ColumnReader[] _variants;

        public UnionReader(StripeData stripe, TypeDescription type, Func<int, PositionCursor>? seek) : base(stripe, type, seek)
        {
            CheckEncoding(OrcColumnEncodingKind.Direct);
            _tags = OpenBytes(OrcStreamKind.Data);
            _variants = [.. type.Children.Select(Child)];
        }

        protected override object?[] ReadValues(int count)
        {
            var tags = new int[count];
            var counts = new int[_variants.Length];
            for (var i = 0; i < count; i++)
            {
                tags[i] = _tags.Next();
                if (tags[i] >= _variants.Length)
                {
                    throw new OrcFormatException($"ORC {Describe(OrcStreamKind.Data)}: tag {tags[i]} for a union of {_variants.Length} variants.");
                }
                counts[tags[i]]++;
            }
            var variantValues = new object?[_variants.Length][];
            for (var v = 0; v < _variants.Length; v++)
            {
                variantValues[v] = _variants[v].Read(counts[v]);
            }
            var next = new int[_variants.Length];
            var values = new object?[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = new OrcUnion(tags[i], variantValues[tags[i]][next[tags[i]]++]);
            }
            return values;
        }
    }
}
