using System.Text;
using Tributary.Jq.Syntax;

namespace Tributary.Jq.Runtime;

/// <summary>
/// Builtins implemented in C#. Most take values: each argument is evaluated on the input and, as for jq's C builtins,
/// the last argument varies slowest. The rest are nodes of their own (path, limit, range, getpath, error, sub...)
/// because they take filters or work in path mode.
/// </summary>
internal static class Natives
{
    private delegate object? ValueFunction(object? input, object?[] arguments);

    private static readonly Dictionary<string, ValueFunction> Functions = new(StringComparer.Ordinal)
    {
        ["length/0"] = static (input, _) => input switch
        {
            null => Values.Number(0),
            bool => throw new JqException(Values.Describe(input) + " has no length"),
            double d => Values.Number(Math.Abs(d)),
            string s => Values.Number(Values.CodepointLength(s)),
            JqArray a => Values.Number(a.Count),
            _ => Values.Number(((JqObject)input).Count),
        },
        ["utf8bytelength/0"] = static (input, _) => input is string s
            ? Values.Number(Encoding.UTF8.GetByteCount(s))
            : throw new JqException(Values.Describe(input) + " only strings have UTF-8 byte length"),
        ["not/0"] = static (input, _) => Values.Bool(!Values.IsTruthy(input)),
        ["type/0"] = static (input, _) => Values.TypeName(input),
        ["keys/0"] = static (input, _) => Keys(input, true),
        ["keys_unsorted/0"] = static (input, _) => Keys(input, false),
        ["has/1"] = static (input, a) => Has(input, a[0]),
        ["contains/1"] = static (input, a) => Values.Bool(Operations.Contains(input, a[0])),
        ["tostring/0"] = static (input, _) => Operations.ToText(input),
        ["tojson/0"] = static (input, _) => JsonText.Serialize(input),
        ["fromjson/0"] = static (input, _) => input is string s
            ? JsonText.Parse(s)
            : throw new JqException(Values.Describe(input) + " only strings can be parsed"),
        ["tonumber/0"] = static (input, _) => ToNumber(input),
        ["explode/0"] = static (input, _) => input is string s ? Values.Explode(s) : throw new JqException("explode input must be a string"),
        ["implode/0"] = static (input, _) => Implode(input),
        ["ascii_downcase/0"] = static (input, _) => input is string s ? AsciiCase(s, false) : throw new JqException("explode input must be a string"),
        ["ascii_upcase/0"] = static (input, _) => input is string s ? AsciiCase(s, true) : throw new JqException("explode input must be a string"),
        ["ltrimstr/1"] = static (input, a) => input is string s && a[0] is string prefix && s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : input,
        ["rtrimstr/1"] = static (input, a) => input is string s && a[0] is string suffix && s.EndsWith(suffix, StringComparison.Ordinal) && suffix.Length > 0 ? s[..^suffix.Length] : input,
        ["startswith/1"] = static (input, a) => input is string s && a[0] is string prefix
            ? Values.Bool(s.StartsWith(prefix, StringComparison.Ordinal))
            : throw new JqException("startswith() requires string inputs"),
        ["endswith/1"] = static (input, a) => input is string s && a[0] is string suffix
            ? Values.Bool(s.EndsWith(suffix, StringComparison.Ordinal))
            : throw new JqException("endswith() requires string inputs"),
        ["split/1"] = static (input, a) => input is string s && a[0] is string separator
            ? Operations.Split(s, separator)
            : throw new JqException("split input and separator must be strings"),
        ["split/2"] = static (input, a) => Regexes.Split(input, a[0], a[1]),
        ["join/1"] = static (input, a) => Join(input, a[0]),
        ["add/0"] = static (input, _) => AddAll(input),
        ["reverse/0"] = static (input, _) => Reverse(input),
        ["sort/0"] = static (input, _) => Sort(input),
        ["unique/0"] = static (input, _) => Unique(Sort(input)),
        ["min/0"] = static (input, _) => Extreme(RequireArray(input, "min"), RequireArray(input, "min"), false),
        ["max/0"] = static (input, _) => Extreme(RequireArray(input, "max"), RequireArray(input, "max"), true),
        ["_sort_by_impl/1"] = static (input, a) => SortBy(input, a[0]),
        ["_group_by_impl/1"] = static (input, a) => GroupBy(input, a[0]),
        ["_unique_by_impl/1"] = static (input, a) => UniqueBy(input, a[0]),
        ["_min_by_impl/1"] = static (input, a) => Extreme(RequireArray(input, "min"), KeysArray(a[0]), false),
        ["_max_by_impl/1"] = static (input, a) => Extreme(RequireArray(input, "max"), KeysArray(a[0]), true),
        ["flatten/1"] = static (input, a) => Flatten(input, a[0]),
        ["indices/1"] = static (input, a) => IndicesOf(input, a[0]),
        ["setpath/2"] = static (input, a) => a[0] is JqArray path
            ? Operations.SetPath(input, path, 0, a[1])
            : throw new JqException("Path must be specified as an array"),
        ["delpaths/1"] = static (input, a) => a[0] is JqArray paths
            ? Operations.DeletePaths(input, paths)
            : throw new JqException("Paths must be specified as an array"),
        ["infinite/0"] = static (_, _) => double.PositiveInfinity,
        ["nan/0"] = static (_, _) => double.NaN,
        ["isinfinite/0"] = static (input, _) => Values.Bool(input is double d && double.IsInfinity(d)),
        ["isnan/0"] = static (input, _) => Values.Bool(input is double d && double.IsNaN(d)),
        ["isnormal/0"] = static (input, _) => Values.Bool(input is double d && double.IsNormal(d)),
        ["now/0"] = static (_, _) => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
        ["gmtime/0"] = static (input, _) => Dates.GmTime(input),
        ["localtime/0"] = static (input, _) => Dates.GmTime(input),
        ["mktime/0"] = static (input, _) => Dates.MakeTime(input),
        ["strftime/1"] = static (input, a) => Dates.FormatTime(input, a[0]),
        ["strflocaltime/1"] = static (input, a) => Dates.FormatTime(input, a[0]),
        ["strptime/1"] = static (input, a) => Dates.ParseTime(input, a[0]),
        ["_match_impl/3"] = static (input, a) => Regexes.Match(input, a[0], a[1], Values.IsTruthy(a[2])),
        ["format/1"] = static (input, a) => a[0] is string name
            ? Formats.Apply(name, input)
            : throw new JqException(Values.Describe(a[0]) + " is not a valid format"),
        ["env/0"] = static (_, _) => new JqObject(),
        ["debug/0"] = static (input, _) => input,
        ["stderr/0"] = static (input, _) => input,
        ["input_filename/0"] = static (_, _) => null,
        ["bsearch/1"] = static (input, a) => BinarySearch(input, a[0]),
        ["frexp/0"] = static (input, _) => Frexp(RequireNumber(input)),
        ["modf/0"] = static (input, _) =>
        {
            var d = RequireNumber(input);
            var whole = Math.Truncate(d);
            return new JqArray { double.IsInfinity(d) ? Values.Number(0) : Values.Number(d - whole), Values.Number(whole) };
        },
        ["ldexp/2"] = static (_, a) => Values.Number(RequireNumber(a[0]) * Math.Pow(2, Math.Truncate(RequireNumber(a[1])))),
        ["scalb/2"] = static (_, a) => Values.Number(RequireNumber(a[0]) * Math.Pow(2, RequireNumber(a[1]))),
        ["scalbln/2"] = static (_, a) => Values.Number(RequireNumber(a[0]) * Math.Pow(2, Math.Truncate(RequireNumber(a[1])))),
        ["fma/3"] = static (_, a) => Values.Number(Math.FusedMultiplyAdd(RequireNumber(a[0]), RequireNumber(a[1]), RequireNumber(a[2]))),
    };

    private static readonly Dictionary<string, Func<double, double>> UnaryMath = new(StringComparer.Ordinal)
    {
        ["floor"] = Math.Floor,
        ["ceil"] = Math.Ceiling,
        ["round"] = static d => Math.Round(d, MidpointRounding.AwayFromZero),
        ["rint"] = static d => Math.Round(d, MidpointRounding.ToEven),
        ["nearbyint"] = static d => Math.Round(d, MidpointRounding.ToEven),
        ["trunc"] = Math.Truncate,
        ["sqrt"] = Math.Sqrt,
        ["fabs"] = Math.Abs,
        ["log"] = Math.Log,
        ["log10"] = Math.Log10,
        ["log2"] = Math.Log2,
        ["log1p"] = static d => Math.Log(1 + d),
        ["exp"] = Math.Exp,
        ["exp2"] = static d => Math.Pow(2, d),
        ["exp10"] = static d => Math.Pow(10, d),
        ["pow10"] = static d => Math.Pow(10, d),
        ["expm1"] = static d => Math.Exp(d) - 1,
        ["sin"] = Math.Sin,
        ["cos"] = Math.Cos,
        ["tan"] = Math.Tan,
        ["asin"] = Math.Asin,
        ["acos"] = Math.Acos,
        ["atan"] = Math.Atan,
        ["sinh"] = Math.Sinh,
        ["cosh"] = Math.Cosh,
        ["tanh"] = Math.Tanh,
        ["asinh"] = Math.Asinh,
        ["acosh"] = Math.Acosh,
        ["atanh"] = Math.Atanh,
        ["cbrt"] = Math.Cbrt,
        ["significand"] = static d => d == 0 || !double.IsFinite(d) ? d : d / Math.Pow(2, Math.Floor(Math.Log2(Math.Abs(d)))),
        ["logb"] = static d => d == 0 ? double.NegativeInfinity : !double.IsFinite(d) ? Math.Abs(d) : Math.Floor(Math.Log2(Math.Abs(d))),
    };

    private static readonly Dictionary<string, Func<double, double, double>> BinaryMath = new(StringComparer.Ordinal)
    {
        ["pow"] = Math.Pow,
        ["atan2"] = Math.Atan2,
        ["fmin"] = Math.Min,
        ["fmax"] = Math.Max,
        ["fmod"] = static (a, b) => a % b,
        ["hypot"] = static (a, b) => Math.Sqrt(a * a + b * b),
        ["copysign"] = Math.CopySign,
        ["drem"] = Math.IEEERemainder,
        ["remainder"] = Math.IEEERemainder,
        ["fdim"] = static (a, b) => a > b ? a - b : 0,
        ["nextafter"] = static (a, b) => a == b ? b : a < b ? Math.BitIncrement(a) : Math.BitDecrement(a),
        ["nexttoward"] = static (a, b) => a == b ? b : a < b ? Math.BitIncrement(a) : Math.BitDecrement(a),
    };

    /// <summary>The node for a call to a native builtin, or null when there is no such builtin.</summary>
    public static Node? Create(string name, List<Node> arguments)
    {
        var key = name + "/" + arguments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (key)
        {
            case "empty/0": return new EmptyNode();
            case "error/0": return new ErrorNode(null);
            case "error/1": return new ErrorNode(arguments[0]);
            case "path/1": return new PathOfNode(arguments[0]);
            case "getpath/1": return new GetPathNode(arguments[0]);
            case "limit/2": return new LimitNode(arguments[0], arguments[1]);
            case "range/2": return new RangeNode(arguments[0], arguments[1], null);
            case "range/3": return new RangeNode(arguments[0], arguments[1], arguments[2]);
            case "sub/2": return new SubstituteNode(arguments[0], arguments[1], null, false);
            case "sub/3": return new SubstituteNode(arguments[0], arguments[1], arguments[2], false);
            case "gsub/2": return new SubstituteNode(arguments[0], arguments[1], null, true);
            case "gsub/3": return new SubstituteNode(arguments[0], arguments[1], arguments[2], true);
            case "tostream/0": return new ToStreamNode();
            case "fromstream/1": return new FromStreamNode(arguments[0]);
            case "input/0": return new ErrorNode(new LiteralNode("No more inputs"));
            case "inputs/0": return new EmptyNode();
        }
        if (Functions.TryGetValue(key, out var function))
            return new ValueCallNode(function.Invoke, arguments);
        if (arguments.Count == 0 && UnaryMath.TryGetValue(name, out var unary))
            return new ValueCallNode((input, _) => Values.Number(unary(RequireNumber(input))), arguments);
        if (arguments.Count == 2 && BinaryMath.TryGetValue(name, out var binary))
            return new ValueCallNode((_, a) => Values.Number(binary(RequireNumber(a[0]), RequireNumber(a[1]))), arguments);
        if (key is "gamma/0" or "lgamma/0" or "tgamma/0" or "lgamma_r/0")
            return new ValueCallNode((input, _) => Gamma(name, RequireNumber(input)), arguments);
        return null;
    }

    private static double RequireNumber(object? value) =>
        value is double d ? d : throw new JqException(Values.Describe(value) + " number required");

    private static JqArray RequireArray(object? value, string what) =>
        value as JqArray ?? throw new JqException(Values.Describe(value) + " and " + Values.Describe(value) + " cannot be iterated over");

    private static object Keys(object? input, bool sorted)
    {
        switch (input)
        {
            case JqObject obj:
                {
                    if (sorted)
                        return Values.SortedKeys(obj);
                    var keys = new JqArray(obj.Count);
                    foreach (var pair in obj)
                        keys.Add(pair.Key);
                    return keys;
                }
            case JqArray array:
                {
                    var keys = new JqArray(array.Count);
                    for (var i = 0; i < array.Count; i++)
                        keys.Add(Values.Number(i));
                    return keys;
                }
        }
        throw new JqException(Values.Describe(input) + " has no keys");
    }

    private static object Has(object? input, object? key)
    {
        switch (input)
        {
            case JqObject obj when key is string name:
                return Values.Bool(obj.ContainsKey(name));
            case JqArray array when key is double index:
                return Values.Bool(index >= 0 && index < array.Count);
        }
        throw new JqException("Cannot check whether " + Values.TypeName(input) + " has a " + Values.TypeName(key) + " key");
    }

    private static object ToNumber(object? input)
    {
        switch (input)
        {
            case double:
                return input;
            case string text:
                {
                    var parsed = JsonText.Parse(text);
                    if (parsed is double)
                        return parsed;
                    break;
                }
        }
        throw new JqException(Values.Describe(input) + " cannot be parsed as a number");
    }

    private static object Implode(object? input)
    {
        if (input is not JqArray codepoints)
            throw new JqException("implode input must be an array");
        var builder = new StringBuilder(codepoints.Count);
        foreach (var item in codepoints)
        {
            if (item is not double number)
                throw new JqException("Unicode codepoint must be numeric");
            var codepoint = (int)number;
            if (codepoint is < 0 or > 0x10FFFF || (codepoint >= 0xD800 && codepoint < 0xE000))
                codepoint = 0xFFFD;
            builder.Append(char.ConvertFromUtf32(codepoint));
        }
        return builder.ToString();
    }

    private static string AsciiCase(string text, bool upper)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (upper && chars[i] is >= 'a' and <= 'z')
                chars[i] = (char)(chars[i] - 32);
            else if (!upper && chars[i] is >= 'A' and <= 'Z')
                chars[i] = (char)(chars[i] + 32);
        }
        return new string(chars);
    }

    // jq 1.6: reduce .[] as $i (null; (.//"") + (if . == null then "" else $x end) + ($i | numbers and booleans as JSON, null as "")) // "".
    private static object? Join(object? input, object? separator)
    {
        object? accumulator = null;
        foreach (var item in Iterate(input))
        {
            var piece = item switch
            {
                null => "",
                bool or double => JsonText.Serialize(item),
                _ => item,
            };
            var prefix = Operations.Add(accumulator ?? "", accumulator is null ? "" : separator);
            accumulator = Operations.Add(prefix, piece);
        }
        return accumulator ?? "";
    }

    private static IEnumerable<object?> Iterate(object? input) => input switch
    {
        JqArray array => array,
        JqObject obj => obj.Values,
        _ => throw new JqException("Cannot iterate over " + Values.Describe(input)),
    };

    private static object? AddAll(object? input)
    {
        object? sum = null;
        foreach (var item in Iterate(input))
            sum = Operations.Add(sum, item);
        return sum;
    }

    private static object Reverse(object? input)
    {
        switch (input)
        {
            case JqArray array:
                {
                    var result = new JqArray(array);
                    result.Reverse();
                    return result;
                }
            case null:
                return new JqArray();
            case string s when s.Length == 0:
                return new JqArray();
            case JqObject obj when obj.Count == 0:
                return new JqArray();
            case double d when d == 0:
                return new JqArray();
            case bool:
                throw new JqException(Values.Describe(input) + " has no length");
        }
        throw new JqException("Cannot index " + Values.TypeName(input) + " with number");
    }

    private static JqArray Sort(object? input)
    {
        if (input is not JqArray array)
            throw new JqException(Values.Describe(input) + " cannot be sorted, as it is not an array");
        var indexes = new int[array.Count];
        for (var i = 0; i < indexes.Length; i++)
            indexes[i] = i;
        Array.Sort(indexes, (a, b) =>
        {
            var order = Values.Compare(array[a], array[b]);
            return order != 0 ? order : a.CompareTo(b);
        });
        var result = new JqArray(array.Count);
        foreach (var index in indexes)
            result.Add(array[index]);
        return result;
    }

    private static JqArray Unique(JqArray sorted)
    {
        var result = new JqArray(sorted.Count);
        foreach (var item in sorted)
        {
            if (result.Count == 0 || !Values.Equal(result[^1], item))
                result.Add(item);
        }
        return result;
    }

    private static JqArray KeysArray(object? keys) => keys as JqArray ?? throw new JqException("Cannot sort by a non-array");

    private static int[] SortedOrder(JqArray array, JqArray keys)
    {
        var indexes = new int[array.Count];
        for (var i = 0; i < indexes.Length; i++)
            indexes[i] = i;
        Array.Sort(indexes, (a, b) =>
        {
            var order = Values.Compare(keys[a], keys[b]);
            return order != 0 ? order : a.CompareTo(b);
        });
        return indexes;
    }

    private static JqArray SortBy(object? input, object? keysValue)
    {
        if (input is not JqArray array || keysValue is not JqArray keys)
            throw new JqException(Values.Describe(input) + " and " + Values.Describe(keysValue) + " cannot be sorted, as they are not both arrays");
        var result = new JqArray(array.Count);
        foreach (var index in SortedOrder(array, keys))
            result.Add(array[index]);
        return result;
    }

    private static JqArray GroupBy(object? input, object? keysValue)
    {
        if (input is not JqArray array || keysValue is not JqArray keys)
            throw new JqException(Values.Describe(input) + " and " + Values.Describe(keysValue) + " cannot be sorted, as they are not both arrays");
        var result = new JqArray();
        JqArray? group = null;
        object? groupKey = null;
        foreach (var index in SortedOrder(array, keys))
        {
            if (group is null || !Values.Equal(groupKey, keys[index]))
            {
                group = new JqArray();
                groupKey = keys[index];
                result.Add(group);
            }
            group.Add(array[index]);
        }
        return result;
    }

    private static JqArray UniqueBy(object? input, object? keysValue)
    {
        var result = new JqArray();
        foreach (var group in GroupBy(input, keysValue))
            result.Add(((JqArray)group!)[0]);
        return result;
    }

    // min keeps the first of equal minimums, max the last of equal maximums (as jq 1.6 does).
    private static object? Extreme(JqArray array, JqArray keys, bool maximum)
    {
        if (array.Count == 0)
            return null;
        var best = 0;
        for (var i = 1; i < array.Count; i++)
        {
            var order = Values.Compare(keys[i], keys[best]);
            if (maximum ? order >= 0 : order < 0)
                best = i;
        }
        return array[best];
    }

    private static object Flatten(object? input, object? depthValue)
    {
        if (depthValue is not double depth)
            throw new JqException("flatten depth must not be negative");
        if (depth < 0)
            throw new JqException("flatten depth must not be negative");
        var result = new JqArray();
        FlattenInto(result, input switch
        {
            JqArray array => array,
            JqObject obj => new JqArray(obj.Values),
            _ => throw new JqException("Cannot iterate over " + Values.Describe(input)),
        }, depth);
        return result;
    }

    private static void FlattenInto(JqArray result, JqArray array, double depth)
    {
        foreach (var item in array)
        {
            if (item is JqArray inner && depth > 0)
                FlattenInto(result, inner, depth - 1);
            else
                result.Add(item);
        }
    }

    // jq 1.6 reports string positions as UTF-8 byte offsets (a known 1.6 quirk, kept for fidelity).
    private static object? IndicesOf(object? input, object? sought)
    {
        switch (input)
        {
            case null:
                return null;
            case string text when sought is string needle:
                {
                    var result = new JqArray();
                    if (needle.Length == 0)
                        return null;
                    var haystack = Encoding.UTF8.GetBytes(text);
                    var pattern = Encoding.UTF8.GetBytes(needle);
                    for (var i = 0; i + pattern.Length <= haystack.Length; i++)
                    {
                        if (haystack.AsSpan(i, pattern.Length).SequenceEqual(pattern))
                            result.Add(Values.Number(i));
                    }
                    return result;
                }
            case JqArray array when sought is JqArray subsequence:
                return Operations.Indices(array, subsequence);
            case JqArray array:
                return Operations.Indices(array, [sought]);
        }
        return Operations.Index(input, sought);
    }

    private static object BinarySearch(object? input, object? target)
    {
        if (input is not JqArray array)
            throw new JqException(Values.Describe(input) + " cannot be searched from");
        int low = 0, high = array.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var order = Values.Compare(array[middle], target);
            if (order == 0)
                return Values.Number(middle);
            if (order < 0)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return Values.Number(-1 - low);
    }

    private static JqArray Frexp(double value)
    {
        if (value == 0 || !double.IsFinite(value))
            return [value, Values.Number(0)];
        var exponent = (int)Math.Floor(Math.Log2(Math.Abs(value))) + 1;
        var mantissa = value / Math.Pow(2, exponent);
        if (Math.Abs(mantissa) >= 1)
        {
            mantissa /= 2;
            exponent++;
        }
        return [Values.Number(mantissa), Values.Number(exponent)];
    }

    private static object Gamma(string name, double value)
    {
        var logGamma = LogGamma(value);
        return name == "tgamma" ? Values.Number(Math.Exp(logGamma)) : Values.Number(logGamma);
    }

    // Lanczos approximation (g = 7, 9 coefficients), with the reflection formula below 0.5.
    private static double LogGamma(double x)
    {
        if (x < 0.5)
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        double[] coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++)
            sum += coefficients[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}

/// <summary>A call to a value builtin: arguments are evaluated on the input, the last one varying slowest.</summary>
internal sealed class ValueCallNode(Func<object?, object?[], object?> function, List<Node> arguments) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        if (arguments.Count == 0)
            return [function(input, [])];
        if (arguments.Count == 1 && arguments[0] is LiteralNode literal)
            return [function(input, [literal.Value])];
        return Combinations(input, env, arguments.Count - 1, new object?[arguments.Count]);
    }

    private IEnumerable<object?> Combinations(object? input, Env env, int index, object?[] chosen)
    {
        if (index < 0)
        {
            yield return function(input, (object?[])chosen.Clone());
            yield break;
        }
        foreach (var value in arguments[index].Eval(input, env))
        {
            chosen[index] = value;
            foreach (var output in Combinations(input, env, index - 1, chosen))
                yield return output;
        }
    }
}

internal sealed class EmptyNode : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => [];

    public override IEnumerable<PathValue> Paths(PathValue input, Env env) => [];
}

/// <summary><c>error</c> / <c>error(msg)</c>. jq 1.6 treats <c>error(null)</c> as a plain backtrack: no output, nothing to catch.</summary>
internal sealed class ErrorNode(Node? message) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in message is null ? [input] : message.Eval(input, env))
        {
            if (value is not null)
                throw JqException.FromValue(value);
        }
        yield break;
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var _ in Eval(input.Value, env))
            yield break;
        yield break;
    }
}

internal sealed class PathOfNode(Node body) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var output in body.Paths(new PathValue(null, input), env))
            yield return PathList.ToArray(output.Path);
    }
}

internal sealed class GetPathNode(Node path) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in path.Eval(input, env))
        {
            if (value is not JqArray keys)
                throw new JqException("Path must be specified as an array");
            yield return Operations.GetPath(input, keys);
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var value in path.Eval(input.Value, env))
        {
            if (value is not JqArray keys)
                throw new JqException("Path must be specified as an array");
            object? result;
            try
            {
                result = Operations.GetPath(input.Value, keys);
            }
            catch (JqException)
            {
                result = null;
            }
            yield return new PathValue(PathList.Append(input.Path, keys), result);
        }
    }
}

/// <summary><c>limit(n; f)</c> as jq 1.6: a negative n passes everything, otherwise f stops once n outputs are out (and n = 0 still lets one through).</summary>
internal sealed class LimitNode(Node count, Node body) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var limitValue in count.Eval(input, env))
        {
            var limit = limitValue is double d ? d : throw new JqException("Invalid limit");
            var seen = 0;
            foreach (var output in body.Eval(input, env))
            {
                yield return output;
                seen++;
                if (limit >= 0 && seen >= limit)
                    break;
            }
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var limitValue in count.Eval(input.Value, env))
        {
            var limit = limitValue is double d ? d : throw new JqException("Invalid limit");
            var seen = 0;
            foreach (var output in body.Paths(input, env))
            {
                yield return output;
                seen++;
                if (limit >= 0 && seen >= limit)
                    break;
            }
        }
    }
}

internal sealed class RangeNode(Node from, Node upto, Node? by) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var start in from.Eval(input, env))
        {
            foreach (var end in upto.Eval(input, env))
            {
                if (by is null)
                {
                    if (start is not double first || end is not double last)
                        throw new JqException("Range bounds must be numeric");
                    for (var value = first; value < last; value++)
                        yield return Values.Number(value);
                    continue;
                }
                foreach (var step in by.Eval(input, env))
                {
                    if (Values.Compare(step, Values.Number(0)) > 0)
                    {
                        for (var value = start; Values.Compare(value, end) < 0; value = Operations.Add(value, step))
                            yield return value;
                    }
                    else if (Values.Compare(step, Values.Number(0)) < 0)
                    {
                        for (var value = start; Values.Compare(value, end) > 0; value = Operations.Add(value, step))
                            yield return value;
                    }
                }
            }
        }
    }
}

/// <summary>sub/gsub: the replacement filter runs on the object of named captures; several outputs multiply the results.</summary>
internal sealed class SubstituteNode(Node pattern, Node replacement, Node? flags, bool global) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var flagValue in flags is null ? [null] : flags.Eval(input, env))
        {
            foreach (var patternValue in pattern.Eval(input, env))
            {
                var matches = Regexes.Replacements(input, patternValue, flagValue, global);
                var text = (string)input!;
                foreach (var output in Build(text, matches, 0, 0, "", env))
                    yield return output;
            }
        }
    }

    private IEnumerable<object?> Build(string text, List<(int Start, int End, JqObject Captures)> matches, int index, int previous, object? prefix, Env env)
    {
        if (index == matches.Count)
        {
            yield return Operations.Add(prefix, text[previous..]);
            yield break;
        }
        var (start, end, captures) = matches[index];
        foreach (var value in replacement.Eval(captures, env))
        {
            var next = Operations.Add(Operations.Add(prefix, text[previous..start]), value);
            foreach (var output in Build(text, matches, index + 1, end, next, env))
                yield return output;
        }
    }
}

internal sealed class ToStreamNode : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => Events(null, input, true);

    private static IEnumerable<object?> Events(PathList? path, object? value, bool top)
    {
        var isContainer = value is JqArray { Count: > 0 } or JqObject { Count: > 0 };
        if (!isContainer)
        {
            yield return new JqArray { PathList.ToArray(path), value };
            yield break;
        }
        object? lastKey = null;
        if (value is JqArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                lastKey = Values.Number(i);
                foreach (var output in Events(new PathList(path, lastKey), array[i], false))
                    yield return output;
            }
        }
        else
        {
            foreach (var pair in (JqObject)value!)
            {
                lastKey = pair.Key;
                foreach (var output in Events(new PathList(path, lastKey), pair.Value, false))
                    yield return output;
            }
        }
        yield return new JqArray { PathList.ToArray(new PathList(path, lastKey)) };
        _ = top;
    }
}

internal sealed class FromStreamNode(Node events) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        object? accumulator = null;
        var active = false;
        foreach (var streamEvent in events.Eval(input, env))
        {
            if (streamEvent is not JqArray { Count: >= 1 } pair || pair[0] is not JqArray path)
                throw new JqException("Invalid stream event " + Values.Describe(streamEvent));
            if (pair.Count >= 2)
            {
                if (path.Count == 0)
                {
                    yield return pair[1];
                    continue;
                }
                accumulator = Operations.SetPath(active ? accumulator : null, path, 0, pair[1]);
                active = true;
            }
            else if (path.Count <= 1)
            {
                yield return accumulator;
                accumulator = null;
                active = false;
            }
        }
    }
}
