using System.Numerics;
using System.Text;
using Tributary.Orc.Metadata;

namespace Tributary.Orc.Writer;

/// <summary>
/// Column statistics accumulated for one scope (a row group, a stripe, the file) and merged upward. Integer sums are
/// dropped on overflow, as ORC's writers do. Strings compare by UTF-8 bytes (ORC's order). Not thread-safe.
/// </summary>
internal sealed class StatisticsBuilder(OrcTypeKind kind)
{
    private ulong _values;
    private bool _hasNull;
    private long _intMin = long.MaxValue, _intMax = long.MinValue, _intSum;
    private bool _intSumOverflow;
    private double _doubleMin = double.PositiveInfinity, _doubleMax = double.NegativeInfinity, _doubleSum;
    private byte[]? _stringMin, _stringMax;
    private long _lengthSum;
    private ulong _trueCount;
    private BigInteger? _decimalMin, _decimalMax;
    private BigInteger _decimalSum;
    private long _timestampMinMillis = long.MaxValue, _timestampMaxMillis = long.MinValue;
    private int _timestampMinNanos, _timestampMaxNanos;
    private ulong _childrenMin = ulong.MaxValue, _childrenMax, _childrenTotal;

    public int DecimalScale { get; init; }

    public void AddNull() => _hasNull = true;

    public void AddCount() => _values++;

    public void AddInteger(long value)
    {
        _values++;
        if (value < _intMin) _intMin = value;
        if (value > _intMax) _intMax = value;
        if (!_intSumOverflow)
        {
            var sum = _intSum + value;
            if (((_intSum ^ sum) & (value ^ sum)) < 0)
            {
                _intSumOverflow = true;
            }
            _intSum = sum;
        }
    }

    public void AddDouble(double value)
    {
        _values++;
        if (value < _doubleMin) _doubleMin = value;
        if (value > _doubleMax) _doubleMax = value;
        _doubleSum += value;
    }

    public void AddBoolean(bool value)
    {
        _values++;
        if (value) _trueCount++;
    }

    public void AddBytes(ReadOnlySpan<byte> value, bool isString)
    {
        _values++;
        _lengthSum += value.Length;
        if (!isString)
        {
            return;
        }
        if (_stringMin is null || value.SequenceCompareTo(_stringMin) < 0) _stringMin = value.ToArray();
        if (_stringMax is null || value.SequenceCompareTo(_stringMax) > 0) _stringMax = value.ToArray();
    }

    public void AddDecimal(BigInteger unscaled)
    {
        _values++;
        if (_decimalMin is null || unscaled < _decimalMin) _decimalMin = unscaled;
        if (_decimalMax is null || unscaled > _decimalMax) _decimalMax = unscaled;
        _decimalSum += unscaled;
    }

    public void AddTimestamp(long seconds, int nanos)
    {
        _values++;
        var millis = (seconds * 1000) + (nanos / 1_000_000);
        var subMillis = nanos % 1_000_000;
        if (millis < _timestampMinMillis || (millis == _timestampMinMillis && subMillis < _timestampMinNanos))
        {
            _timestampMinMillis = millis;
            _timestampMinNanos = subMillis;
        }
        if (millis > _timestampMaxMillis || (millis == _timestampMaxMillis && subMillis > _timestampMaxNanos))
        {
            _timestampMaxMillis = millis;
            _timestampMaxNanos = subMillis;
        }
    }

    public void AddChildren(ulong children)
    {
        _values++;
        if (children < _childrenMin) _childrenMin = children;
        if (children > _childrenMax) _childrenMax = children;
        _childrenTotal += children;
    }

    public void Merge(StatisticsBuilder other)
    {
        _values += other._values;
        _hasNull |= other._hasNull;
        if (other._values == 0)
        {
            return;
        }
        _intMin = Math.Min(_intMin, other._intMin);
        _intMax = Math.Max(_intMax, other._intMax);
        if (!_intSumOverflow)
        {
            var sum = _intSum + other._intSum;
            _intSumOverflow = other._intSumOverflow || (((_intSum ^ sum) & (other._intSum ^ sum)) < 0);
            _intSum = sum;
        }
        _doubleMin = Math.Min(_doubleMin, other._doubleMin);
        _doubleMax = Math.Max(_doubleMax, other._doubleMax);
        _doubleSum += other._doubleSum;
        if (other._stringMin is not null && (_stringMin is null || other._stringMin.AsSpan().SequenceCompareTo(_stringMin) < 0)) _stringMin = other._stringMin;
        if (other._stringMax is not null && (_stringMax is null || other._stringMax.AsSpan().SequenceCompareTo(_stringMax) > 0)) _stringMax = other._stringMax;
        _lengthSum += other._lengthSum;
        _trueCount += other._trueCount;
        if (other._decimalMin is { } dmin && (_decimalMin is null || dmin < _decimalMin)) _decimalMin = dmin;
        if (other._decimalMax is { } dmax && (_decimalMax is null || dmax > _decimalMax)) _decimalMax = dmax;
        _decimalSum += other._decimalSum;
        if (other._timestampMinMillis < _timestampMinMillis || (other._timestampMinMillis == _timestampMinMillis && other._timestampMinNanos < _timestampMinNanos))
        {
            _timestampMinMillis = other._timestampMinMillis;
            _timestampMinNanos = other._timestampMinNanos;
        }
        if (other._timestampMaxMillis > _timestampMaxMillis || (other._timestampMaxMillis == _timestampMaxMillis && other._timestampMaxNanos > _timestampMaxNanos))
        {
            _timestampMaxMillis = other._timestampMaxMillis;
            _timestampMaxNanos = other._timestampMaxNanos;
        }
        _childrenMin = Math.Min(_childrenMin, other._childrenMin);
        _childrenMax = Math.Max(_childrenMax, other._childrenMax);
        _childrenTotal += other._childrenTotal;
    }

    public void Reset()
    {
        _values = 0;
        _hasNull = false;
        _intMin = long.MaxValue;
        _intMax = long.MinValue;
        _intSum = 0;
        _intSumOverflow = false;
        _doubleMin = double.PositiveInfinity;
        _doubleMax = double.NegativeInfinity;
        _doubleSum = 0;
        _stringMin = _stringMax = null;
        _lengthSum = 0;
        _trueCount = 0;
        _decimalMin = _decimalMax = null;
        _decimalSum = 0;
        _timestampMinMillis = long.MaxValue;
        _timestampMaxMillis = long.MinValue;
        _timestampMinNanos = _timestampMaxNanos = 0;
        _childrenMin = ulong.MaxValue;
        _childrenMax = _childrenTotal = 0;
    }

    public ColumnStatistics Build()
    {
        var s = new ColumnStatistics { NumberOfValues = _values, HasNull = _hasNull };
        var any = _values > 0;
        switch (kind)
        {
            case OrcTypeKind.Byte or OrcTypeKind.Short or OrcTypeKind.Int or OrcTypeKind.Long:
                s.Integer = any ? new IntegerStatistics { Minimum = _intMin, Maximum = _intMax, Sum = _intSumOverflow ? null : _intSum } : new IntegerStatistics { Sum = 0 };
                break;
            case OrcTypeKind.Float or OrcTypeKind.Double:
                s.Double = any ? new DoubleStatistics { Minimum = _doubleMin, Maximum = _doubleMax, Sum = _doubleSum } : new DoubleStatistics { Sum = 0 };
                break;
            case OrcTypeKind.String or OrcTypeKind.Varchar or OrcTypeKind.Char:
                s.String = any ? new StringStatistics { Minimum = Utf8(_stringMin!), Maximum = Utf8(_stringMax!), Sum = _lengthSum } : new StringStatistics { Sum = 0 };
                break;
            case OrcTypeKind.Binary:
                s.Binary = new BinaryStatistics { Sum = _lengthSum };
                break;
            case OrcTypeKind.Boolean:
                s.Bucket = new BucketStatistics { Count = [_trueCount] };
                break;
            case OrcTypeKind.Decimal:
                s.Decimal = any ? new DecimalStatistics { Minimum = Decimal(_decimalMin!.Value), Maximum = Decimal(_decimalMax!.Value), Sum = Decimal(_decimalSum) } : new DecimalStatistics { Sum = "0" };
                break;
            case OrcTypeKind.Date:
                s.Date = any ? new DateStatistics { Minimum = (int)_intMin, Maximum = (int)_intMax } : new DateStatistics();
                break;
            case OrcTypeKind.Timestamp:
                s.Timestamp = any
                    ? new TimestampStatistics
                    {
                        Minimum = _timestampMinMillis,
                        Maximum = _timestampMaxMillis,
                        MinimumUtc = _timestampMinMillis,
                        MaximumUtc = _timestampMaxMillis,
                        MinimumNanos = _timestampMinNanos + 1,
                        MaximumNanos = _timestampMaxNanos + 1,
                    }
                    : new TimestampStatistics();
                break;
            case OrcTypeKind.List or OrcTypeKind.Map:
                s.Collection = any ? new CollectionStatistics { MinChildren = _childrenMin, MaxChildren = _childrenMax, TotalChildren = _childrenTotal } : new CollectionStatistics { TotalChildren = 0 };
                break;
        }
        return s;
    }

    private static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private string Decimal(BigInteger unscaled) => new Reader.OrcDecimal(unscaled, DecimalScale).ToString();
}
