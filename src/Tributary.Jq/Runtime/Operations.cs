using System.Text;

namespace Tributary.Jq.Runtime;

/// <summary>jq 1.6's core operations on values: indexing, slicing, arithmetic, comparison and the path functions.</summary>
internal static class Operations
{
    public static string ToText(object? value) => value as string ?? JsonText.Serialize(value);

    public static object? Index(object? target, object? key)
    {
        switch (target)
        {
            case null when key is string or double or JqObject or null:
                if (key is null)
                    break;
                return null;
            case JqObject obj when key is string name:
                return obj.TryGetValue(name, out var value) ? value : null;
            case JqArray array when key is double number:
                {
                    if (Math.Floor(number) != number || double.IsInfinity(number))
                        return null;
                    var index = number < 0 ? number + array.Count : number;
                    return index >= 0 && index < array.Count ? array[(int)index] : null;
                }
            case JqArray array when key is JqObject slice:
                {
                    var (start, end) = SliceBounds(slice, array.Count);
                    return new JqArray(array.GetRange(start, end - start));
                }
            case string text when key is JqObject slice:
                {
                    var (start, end) = SliceBounds(slice, Values.CodepointLength(text));
                    var from = Values.CodepointToCharIndex(text, start);
                    var to = Values.CodepointToCharIndex(text, end);
                    return text[from..to];
                }
            case JqArray array when key is JqArray sought:
                return Indices(array, sought);
        }
        if (key is string keyName)
            throw new JqException("Cannot index " + Values.TypeName(target) + " with string \"" + keyName + "\"");
        throw new JqException("Cannot index " + Values.TypeName(target) + " with " + Values.TypeName(key));
    }

    /// <summary>A slice's [start, end) for a sequence of <paramref name="length"/>: negative from the end, start floored, end rounded up.</summary>
    public static (int Start, int End) SliceBounds(JqObject slice, int length)
    {
        slice.TryGetValue("start", out var startValue);
        slice.TryGetValue("end", out var endValue);
        if (startValue is not (null or double) || endValue is not (null or double))
            throw new JqException("Start and end indices of an array slice must be numbers");
        var start = startValue is double s ? s : 0;
        var end = endValue is double e ? e : length;
        if (start < 0)
            start += length;
        if (end < 0)
            end += length;
        start = Math.Clamp(start, 0, length);
        end = Math.Clamp(end, 0, length);
        if (end < start)
            end = start;
        var first = (int)Math.Floor(start);
        var last = (int)Math.Ceiling(end);
        return (first, Math.Min(Math.Max(last, first), length));
    }

    public static JqArray Indices(JqArray array, JqArray sought)
    {
        var result = new JqArray();
        if (sought.Count == 0)
            return result;
        for (var i = 0; i + sought.Count <= array.Count; i++)
        {
            var match = true;
            for (var j = 0; j < sought.Count && match; j++)
                match = Values.Equal(array[i + j], sought[j]);
            if (match)
                result.Add(Values.Number(i));
        }
        return result;
    }

    public static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "+": return Add(left, right);
            case "-": return Subtract(left, right);
            case "*": return Multiply(left, right);
            case "/": return Divide(left, right);
            case "%": return Modulo(left, right);
            case "==": return Values.Bool(Values.Compare(left, right) == 0);
            case "!=": return Values.Bool(Values.Compare(left, right) != 0);
            case "<": return Values.Bool(Values.Compare(left, right) < 0);
            case "<=": return Values.Bool(Values.Compare(left, right) <= 0);
            case ">": return Values.Bool(Values.Compare(left, right) > 0);
            default: return Values.Bool(Values.Compare(left, right) >= 0);
        }
    }

    private static JqException Cannot(object? left, object? right, string what) =>
        new(Values.Describe(left) + " and " + Values.Describe(right) + " cannot be " + what);

    public static object? Add(object? left, object? right)
    {
        if (left is null)
            return right;
        if (right is null)
            return left;
        switch (left)
        {
            case double a when right is double b:
                return Values.Number(a + b);
            case string a when right is string b:
                return a + b;
            case JqArray a when right is JqArray b:
                {
                    var result = new JqArray(a.Count + b.Count);
                    result.AddRange(a);
                    result.AddRange(b);
                    return result;
                }
            case JqObject a when right is JqObject b:
                {
                    var result = new JqObject(a);
                    foreach (var pair in b)
                        result[pair.Key] = pair.Value;
                    return result;
                }
        }
        throw Cannot(left, right, "added");
    }

    private static object? Subtract(object? left, object? right)
    {
        switch (left)
        {
            case double a when right is double b:
                return Values.Number(a - b);
            case JqArray a when right is JqArray b:
                {
                    var result = new JqArray(a.Count);
                    foreach (var item in a)
                    {
                        var removed = false;
                        foreach (var other in b)
                        {
                            if (Values.Equal(item, other))
                            {
                                removed = true;
                                break;
                            }
                        }
                        if (!removed)
                            result.Add(item);
                    }
                    return result;
                }
        }
        throw Cannot(left, right, "subtracted");
    }

    private static object? Multiply(object? left, object? right)
    {
        switch (left)
        {
            case double a when right is double b:
                return Values.Number(a * b);
            case string text when right is double count:
                return Repeat(text, count);
            case double count when right is string text:
                return Repeat(text, count);
            case JqObject a when right is JqObject b:
                return DeepMerge(a, b);
        }
        throw Cannot(left, right, "multiplied");
    }

    // jq 1.6 truncates the count to an integer; zero or less gives null.
    private static object? Repeat(string text, double count)
    {
        var times = count >= int.MaxValue ? int.MaxValue : count <= 0 || double.IsNaN(count) ? 0 : (int)count;
        if (times <= 0)
            return null;
        var builder = new StringBuilder(text.Length * times);
        for (var i = 0; i < times; i++)
            builder.Append(text);
        return builder.ToString();
    }

    private static JqObject DeepMerge(JqObject left, JqObject right)
    {
        var result = new JqObject(left);
        foreach (var pair in right)
        {
            if (pair.Value is JqObject rightChild && result.TryGetValue(pair.Key, out var existing) && existing is JqObject leftChild)
                result[pair.Key] = DeepMerge(leftChild, rightChild);
            else
                result[pair.Key] = pair.Value;
        }
        return result;
    }

    private static object? Divide(object? left, object? right)
    {
        switch (left)
        {
            case double a when right is double b:
                if (b == 0)
                    throw Cannot(left, right, "divided because the divisor is zero");
                return Values.Number(a / b);
            case string a when right is string b:
                return Split(a, b);
        }
        throw Cannot(left, right, "divided");
    }

    private static object? Modulo(object? left, object? right)
    {
        if (left is double a && right is double b)
        {
            var divisor = ToInteger(b);
            if (divisor == 0)
                throw Cannot(left, right, "divided (remainder) because the divisor is zero");
            var dividend = ToInteger(a);
            return Values.Number(divisor == -1 ? 0 : dividend % divisor);
        }
        throw Cannot(left, right, "divided (remainder)");
    }

    /// <summary>C's conversion of a double to intmax_t as jq 1.6 uses it for <c>%</c> (NaN and overflow saturate here).</summary>
    private static long ToInteger(double value)
    {
        if (double.IsNaN(value))
            return long.MinValue;
        if (value >= 9.2233720368547758e18)
            return long.MinValue;
        if (value <= -9.2233720368547758e18)
            return long.MinValue;
        return (long)value;
    }

    public static JqArray Split(string text, string separator)
    {
        var result = new JqArray();
        if (text.Length == 0)
            return result;
        if (separator.Length == 0)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
                result.Add(text.Substring(i, width));
                i += width - 1;
            }
            return result;
        }
        var start = 0;
        while (true)
        {
            var at = text.IndexOf(separator, start, StringComparison.Ordinal);
            if (at < 0)
            {
                result.Add(text[start..]);
                return result;
            }
            result.Add(text[start..at]);
            start = at + separator.Length;
        }
    }

    public static object? GetPath(object? value, JqArray path)
    {
        foreach (var key in path)
        {
            if (value is null)
                return null;
            value = Index(value, key);
        }
        return value;
    }

    public static object? SetPath(object? value, JqArray path, int depth, object? newValue)
    {
        if (depth == path.Count)
            return newValue;
        var key = path[depth];
        switch (key)
        {
            case string name:
                {
                    if (value is not (null or JqObject))
                        throw new JqException("Cannot index " + Values.TypeName(value) + " with string \"" + name + "\"");
                    var obj = value is JqObject existing ? new JqObject(existing) : new JqObject();
                    obj.TryGetValue(name, out var child);
                    obj[name] = SetPath(child, path, depth + 1, newValue);
                    return obj;
                }
            case double number:
                {
                    if (value is not (null or JqArray))
                        throw new JqException("Cannot index " + Values.TypeName(value) + " with number");
                    var array = value is JqArray existing ? new JqArray(existing) : new JqArray();
                    var index = number < 0 ? number + array.Count : number;
                    if (index < 0)
                        throw new JqException("Out of bounds negative array index");
                    var at = index >= int.MaxValue / 2 ? throw new JqException("Array index too large") : (int)index;
                    while (array.Count <= at)
                        array.Add(null);
                    array[at] = SetPath(array[at], path, depth + 1, newValue);
                    return array;
                }
            case JqObject slice:
                {
                    if (value is not (null or JqArray))
                        throw new JqException("Cannot update field at object index of " + Values.TypeName(value));
                    var array = value as JqArray ?? [];
                    var (start, end) = SliceBounds(slice, array.Count);
                    var replacement = SetPath(new JqArray(array.GetRange(start, end - start)), path, depth + 1, newValue);
                    if (replacement is not JqArray inserted)
                        throw new JqException("A slice of an array can only be assigned another array");
                    var result = new JqArray(array.Count - (end - start) + inserted.Count);
                    result.AddRange(array.GetRange(0, start));
                    result.AddRange(inserted);
                    result.AddRange(array.GetRange(end, array.Count - end));
                    return result;
                }
            default:
                if (value is JqObject)
                    throw new JqException("Cannot index object with " + Values.TypeName(key));
                throw new JqException("Cannot update field at object index of " + Values.TypeName(value));
        }
    }

    public static object? DeletePaths(object? value, JqArray paths)
    {
        var sorted = new List<JqArray>(paths.Count);
        foreach (var path in paths)
        {
            if (path is not JqArray keys)
                throw new JqException("Path must be specified as an array");
            sorted.Add(keys);
        }
        sorted.Sort(static (a, b) => Values.Compare(b, a));
        foreach (var path in sorted)
            value = DeletePath(value, path, 0);
        return value;
    }

    private static object? DeletePath(object? value, JqArray path, int depth)
    {
        if (value is null)
            return null;
        if (depth == path.Count)
            return null;
        var key = path[depth];
        if (depth == path.Count - 1)
        {
            switch (value)
            {
                case JqObject obj when key is string name:
                    {
                        if (!obj.ContainsKey(name))
                            return obj;
                        var result = new JqObject(obj);
                        result.Remove(name);
                        return result;
                    }
                case JqArray array when key is double number:
                    {
                        var index = number < 0 ? number + array.Count : number;
                        if (index < 0 || index >= array.Count)
                            return array;
                        var result = new JqArray(array);
                        result.RemoveAt((int)index);
                        return result;
                    }
                case JqArray array when key is JqObject slice:
                    {
                        var (start, end) = SliceBounds(slice, array.Count);
                        var result = new JqArray(array);
                        result.RemoveRange(start, end - start);
                        return result;
                    }
            }
            throw new JqException("Cannot delete " + Values.TypeName(key) + " field of " + Values.TypeName(value));
        }
        var child = Index(value, key);
        if (child is null)
            return value;
        return SetPath(value, new JqArray { key }, 0, DeletePath(child, path, depth + 1));
    }

    public static bool Contains(object? container, object? sought)
    {
        switch (container)
        {
            case JqObject a when sought is JqObject b:
                foreach (var pair in b)
                {
                    if (!a.TryGetValue(pair.Key, out var value) || !Contains(value, pair.Value))
                        return false;
                }
                return true;
            case JqArray a when sought is JqArray b:
                foreach (var item in b)
                {
                    var found = false;
                    foreach (var candidate in a)
                    {
                        if (Contains(candidate, item))
                        {
                            found = true;
                            break;
                        }
                    }
                    if (!found)
                        return false;
                }
                return true;
            case string a when sought is string b:
                return a.Contains(b, StringComparison.Ordinal);
        }
        if (Values.TypeName(container) == Values.TypeName(sought))
            return Values.Equal(container, sought);
        throw new JqException(Values.Describe(container) + " and " + Values.Describe(sought) + " cannot have their containment checked");
    }
}
