using System.Text;
using Tributary.Jq.Runtime;

namespace Tributary.Jq.Syntax;

/// <summary>A path being tracked in path mode (<c>path(f)</c>, assignments, <c>del</c>): a persistent list, root first.</summary>
internal sealed class PathList(PathList? parent, object? key)
{
    public PathList? Parent { get; } = parent;
    public object? Key { get; } = key;

    public static JqArray ToArray(PathList? path)
    {
        var count = 0;
        for (var item = path; item is not null; item = item.Parent)
            count++;
        var keys = new object?[count];
        for (var item = path; item is not null; item = item.Parent)
            keys[--count] = item.Key;
        return new JqArray(keys);
    }

    public static PathList? Append(PathList? path, JqArray keys)
    {
        foreach (var key in keys)
            path = new PathList(path, key);
        return path;
    }
}

internal readonly record struct PathValue(PathList? Path, object? Value);

/// <summary>
/// A node of the syntax tree, which evaluates itself: <see cref="Eval"/> yields every output for one input, lazily
/// (so <c>limit</c>, <c>first</c> and <c>label</c> stop generators early); <see cref="Paths"/> is jq's path mode,
/// yielding the path of every output alongside the output. Nodes are immutable after parsing.
/// </summary>
internal abstract class Node
{
    public abstract IEnumerable<object?> Eval(object? input, Env env);

    public virtual IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var output in Eval(input.Value, env))
            throw InvalidPath(output);
        yield break;
    }

    public static JqException InvalidPath(object? output)
    {
        var text = JsonText.Serialize(output);
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > 29)
            text = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text), 0, 26) + "...";
        return new JqException("Invalid path expression with result " + text);
    }
}

internal sealed class IdentityNode : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => [input];

    public override IEnumerable<PathValue> Paths(PathValue input, Env env) => [input];
}

internal sealed class RecurseNode : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        yield return input;
        switch (input)
        {
            case JqArray array:
                foreach (var item in array)
                {
                    foreach (var inner in Eval(item, env))
                        yield return inner;
                }
                break;
            case JqObject obj:
                foreach (var pair in obj)
                {
                    foreach (var inner in Eval(pair.Value, env))
                        yield return inner;
                }
                break;
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        yield return input;
        switch (input.Value)
        {
            case JqArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var inner in Paths(new PathValue(new PathList(input.Path, Values.Number(i)), array[i]), env))
                        yield return inner;
                }
                break;
            case JqObject obj:
                foreach (var pair in obj)
                {
                    foreach (var inner in Paths(new PathValue(new PathList(input.Path, pair.Key), pair.Value), env))
                        yield return inner;
                }
                break;
        }
    }
}

internal sealed class LiteralNode(object? value) : Node
{
    public object? Value { get; } = value;

    public override IEnumerable<object?> Eval(object? input, Env env) => [Value];

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        // jq 1.6 accepts a literal null as an empty path expression (getpath on null is null).
        if (Value is null)
            return [new PathValue(input.Path, null)];
        throw InvalidPath(Value);
    }
}

internal sealed class VariableNode(string name) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => [env.Variable(name)];
}

internal sealed class IndexNode(Node target, Node index) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        if (index is LiteralNode literal)
        {
            foreach (var value in target.Eval(input, env))
                yield return Operations.Index(value, literal.Value);
            yield break;
        }
        foreach (var key in index.Eval(input, env))
        {
            foreach (var value in target.Eval(input, env))
                yield return Operations.Index(value, key);
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var key in index.Eval(input.Value, env))
        {
            foreach (var value in target.Paths(input, env))
                yield return new PathValue(new PathList(value.Path, key), value.Value is null ? null : Operations.Index(value.Value, key));
        }
    }
}

internal sealed class SliceNode(Node target, Node? lower, Node? upper) : Node
{
    private IEnumerable<object> Keys(object? input, Env env)
    {
        foreach (var from in lower is null ? [null] : lower.Eval(input, env))
        {
            foreach (var to in upper is null ? [null] : upper.Eval(input, env))
                yield return new JqObject { ["start"] = from, ["end"] = to };
        }
    }

    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var key in Keys(input, env))
        {
            foreach (var value in target.Eval(input, env))
                yield return Operations.Index(value, key);
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var key in Keys(input.Value, env))
        {
            foreach (var value in target.Paths(input, env))
                yield return new PathValue(new PathList(value.Path, key), value.Value is null ? null : Operations.Index(value.Value, key));
        }
    }
}

internal sealed class IterateNode(Node target) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in target.Eval(input, env))
        {
            switch (value)
            {
                case JqArray array:
                    foreach (var item in array)
                        yield return item;
                    break;
                case JqObject obj:
                    foreach (var pair in obj)
                        yield return pair.Value;
                    break;
                default:
                    throw new JqException("Cannot iterate over " + Values.Describe(value));
            }
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var value in target.Paths(input, env))
        {
            switch (value.Value)
            {
                case JqArray array:
                    for (var i = 0; i < array.Count; i++)
                        yield return new PathValue(new PathList(value.Path, Values.Number(i)), array[i]);
                    break;
                case JqObject obj:
                    foreach (var pair in obj)
                        yield return new PathValue(new PathList(value.Path, pair.Key), pair.Value);
                    break;
                case null:
                    break;
                default:
                    throw new JqException("Cannot iterate over " + Values.Describe(value.Value));
            }
        }
    }
}

internal sealed class PipeNode(Node left, Node right) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var middle in left.Eval(input, env))
        {
            foreach (var output in right.Eval(middle, env))
                yield return output;
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var middle in left.Paths(input, env))
        {
            foreach (var output in right.Paths(middle, env))
                yield return output;
        }
    }
}

internal sealed class CommaNode(Node left, Node right) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var output in left.Eval(input, env))
            yield return output;
        foreach (var output in right.Eval(input, env))
            yield return output;
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var output in left.Paths(input, env))
            yield return output;
        foreach (var output in right.Paths(input, env))
            yield return output;
    }
}

internal sealed class NegateNode(Node operand) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in operand.Eval(input, env))
        {
            if (value is not double number)
                throw new JqException(Values.Describe(value) + " cannot be negated");
            yield return Values.Number(-number);
        }
    }
}

internal sealed class BinaryNode(string op, Node left, Node right) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var rightValue in right.Eval(input, env))
        {
            foreach (var leftValue in left.Eval(input, env))
                yield return Operations.Binary(op, leftValue, rightValue);
        }
    }
}

internal sealed class AndNode(Node left, Node right) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var leftValue in left.Eval(input, env))
        {
            if (!Values.IsTruthy(leftValue))
            {
                yield return Values.False;
                continue;
            }
            foreach (var rightValue in right.Eval(input, env))
                yield return Values.Bool(Values.IsTruthy(rightValue));
        }
    }
}

internal sealed class OrNode(Node left, Node right) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var leftValue in left.Eval(input, env))
        {
            if (Values.IsTruthy(leftValue))
            {
                yield return Values.True;
                continue;
            }
            foreach (var rightValue in right.Eval(input, env))
                yield return Values.Bool(Values.IsTruthy(rightValue));
        }
    }
}

internal sealed class AlternativeNode(Node left, Node right) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        var any = false;
        foreach (var value in left.Eval(input, env))
        {
            if (!Values.IsTruthy(value))
                continue;
            any = true;
            yield return value;
        }
        if (any)
            yield break;
        foreach (var value in right.Eval(input, env))
            yield return value;
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        var any = false;
        foreach (var value in left.Paths(input, env))
        {
            if (!Values.IsTruthy(value.Value))
                continue;
            any = true;
            yield return value;
        }
        if (any)
            yield break;
        foreach (var value in right.Paths(input, env))
            yield return value;
    }
}

internal sealed class IfNode(Node condition, Node then, Node otherwise) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var test in condition.Eval(input, env))
        {
            foreach (var output in (Values.IsTruthy(test) ? then : otherwise).Eval(input, env))
                yield return output;
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var test in condition.Eval(input.Value, env))
        {
            foreach (var output in (Values.IsTruthy(test) ? then : otherwise).Paths(input, env))
                yield return output;
        }
    }
}

/// <summary><c>try body catch handler</c> and postfix <c>?</c> (no handler). Errors raised downstream of an output are not caught.</summary>
internal sealed class TryNode(Node body, Node? handler) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) =>
        Guarded.Run(() => body.Eval(input, env), static exception => exception is JqException,
            exception => handler is null ? [] : handler.Eval(Values.FromNode(((JqException)exception).Value), env));

    public override IEnumerable<PathValue> Paths(PathValue input, Env env) =>
        Guarded.Run(() => body.Paths(input, env), static exception => exception is JqException,
            exception => handler is null ? [] : HandlerPaths(((JqException)exception).Value, env));

    private IEnumerable<PathValue> HandlerPaths(System.Text.Json.Nodes.JsonNode? error, Env env)
    {
        foreach (var output in handler!.Eval(Values.FromNode(error), env))
            throw InvalidPath(output);
        yield break;
    }
}

/// <summary>
/// Enumerates a generator, and when it throws an exception that <c>handles</c> accepts, stops it and continues with
/// <c>onError</c>'s outputs. C# cannot yield inside a try with a catch, hence this helper around MoveNext.
/// </summary>
internal static class Guarded
{
    public static IEnumerable<T> Run<T>(Func<IEnumerable<T>> source, Func<Exception, bool> handles, Func<Exception, IEnumerable<T>> onError)
    {
        IEnumerator<T>? outputs = null;
        try
        {
            while (true)
            {
                Exception? error = null;
                try
                {
                    outputs ??= source().GetEnumerator();
                    if (!outputs.MoveNext())
                        yield break;
                }
                catch (Exception exception) when (handles(exception))
                {
                    error = exception;
                }
                if (error is null)
                {
                    yield return outputs!.Current;
                    continue;
                }
                foreach (var output in onError(error))
                    yield return output;
                yield break;
            }
        }
        finally
        {
            outputs?.Dispose();
        }
    }
}

internal sealed class ArrayNode(Node? body) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        var array = new JqArray();
        if (body is not null)
        {
            foreach (var value in body.Eval(input, env))
                array.Add(value);
        }
        return [array];
    }
}

internal sealed class ObjectNode(List<(Node Key, Node Value)> entries) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) =>
        Build(input, env, 0, new KeyValuePair<string, object?>[entries.Count]);

    // Earlier entries vary slowest, and within an entry the key does ({a:(1,2), b:(3,4)} gives a=1,b=3 first).
    // The chosen pairs live in one array along the recursion; each output is a fresh object built at the leaf.
    private IEnumerable<object?> Build(object? input, Env env, int entry, KeyValuePair<string, object?>[] chosen)
    {
        if (entry == entries.Count)
        {
            var result = new JqObject(chosen.Length);
            foreach (var pair in chosen)
                result[pair.Key] = pair.Value;
            yield return result;
            yield break;
        }
        var (keyNode, valueNode) = entries[entry];
        foreach (var key in keyNode.Eval(input, env))
        {
            if (key is not string name)
                throw new JqException("Cannot use " + Values.Describe(key) + " as object key");
            foreach (var value in valueNode.Eval(input, env))
            {
                chosen[entry] = new KeyValuePair<string, object?>(name, value);
                foreach (var output in Build(input, env, entry + 1, chosen))
                    yield return output;
            }
        }
    }
}

internal sealed class InterpolationNode(Node body) : Node
{
    public Node Body { get; } = body;

    public override IEnumerable<object?> Eval(object? input, Env env) => Body.Eval(input, env);
}

/// <summary>A string with <c>\(...)</c> parts, optionally under a format (<c>@base64 "x\(.)"</c> formats only the parts).</summary>
internal sealed class StringTemplateNode(List<Node> parts, string? format) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        if (format is not null)
            Formats.Check(format);
        return Build(input, env, parts.Count - 1, "");
    }

    // The last interpolation varies slowest, as in jq ("\(1,2)-\(3,4)" gives "1-3", "2-3", "1-4", "2-4").
    private IEnumerable<object?> Build(object? input, Env env, int part, string suffix)
    {
        if (part < 0)
        {
            yield return suffix;
            yield break;
        }
        if (parts[part] is LiteralNode literal)
        {
            foreach (var output in Build(input, env, part - 1, (string)literal.Value! + suffix))
                yield return output;
            yield break;
        }
        foreach (var value in parts[part].Eval(input, env))
        {
            var text = format is null ? Operations.ToText(value) : Formats.Apply(format, value);
            foreach (var output in Build(input, env, part - 1, text + suffix))
                yield return output;
        }
    }
}

internal sealed class FormatNode(string format) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => [Formats.Apply(format, input)];
}

internal sealed class ReduceNode(Node source, Pattern pattern, Node init, Node update) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var start in init.Eval(input, env))
        {
            var accumulator = start;
            foreach (var item in source.Eval(input, env))
            {
                foreach (var bound in pattern.Bind(item, env, env))
                {
                    object? last = null;
                    foreach (var next in update.Eval(accumulator, bound))
                        last = next;
                    accumulator = last;
                }
            }
            yield return accumulator;
        }
    }
}

internal sealed class ForeachNode(Node source, Pattern pattern, Node init, Node update, Node? extract) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var start in init.Eval(input, env))
        {
            var accumulator = start;
            foreach (var item in source.Eval(input, env))
            {
                foreach (var bound in pattern.Bind(item, env, env))
                {
                    foreach (var next in update.Eval(accumulator, bound))
                    {
                        accumulator = next;
                        if (extract is null)
                        {
                            yield return next;
                        }
                        else
                        {
                            foreach (var output in extract.Eval(next, bound))
                                yield return output;
                        }
                    }
                }
            }
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        // Path mode for foreach only supports an extract that is a path expression of the state's input.
        foreach (var output in Eval(input.Value, env))
            throw InvalidPath(output);
        yield break;
    }
}

/// <summary><c>source as $pattern ?// $alternative | body</c>.</summary>
internal sealed class BindNode(Node source, List<Pattern> patterns, Node body) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in source.Eval(input, env))
        {
            if (patterns.Count == 1)
            {
                foreach (var bound in patterns[0].Bind(value, env, env))
                {
                    foreach (var output in body.Eval(input, bound))
                        yield return output;
                }
                continue;
            }
            foreach (var output in Alternatives(input, value, env, 0))
                yield return output;
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var value in source.Eval(input.Value, env))
        {
            foreach (var bound in patterns[0].Bind(value, env, WithAllVariables(env)))
            {
                foreach (var output in body.Paths(input, bound))
                    yield return output;
            }
        }
    }

    private Env WithAllVariables(Env env)
    {
        if (patterns.Count == 1)
            return env;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
            pattern.CollectVariables(names);
        foreach (var name in names)
            env = env.WithVariable(name, null);
        return env;
    }

    // With ?//, an error while binding or in the body moves on to the next alternative; the last one's errors propagate.
    private IEnumerable<object?> Alternatives(object? input, object? value, Env env, int index)
    {
        var pattern = patterns[index];
        var start = WithAllVariables(env);
        if (index == patterns.Count - 1)
        {
            foreach (var bound in pattern.Bind(value, env, start))
            {
                foreach (var output in body.Eval(input, bound))
                    yield return output;
            }
            yield break;
        }
        var failed = false;
        foreach (var output in Guarded.Run(() => BindAndRun(pattern, input, value, env, start),
            static exception => exception is JqException, _ => { failed = true; return []; }))
            yield return output;
        if (!failed)
            yield break;
        foreach (var output in Alternatives(input, value, env, index + 1))
            yield return output;
    }

    private IEnumerable<object?> BindAndRun(Pattern pattern, object? input, object? value, Env env, Env start)
    {
        foreach (var bound in pattern.Bind(value, env, start))
        {
            foreach (var output in body.Eval(input, bound))
                yield return output;
        }
    }
}

internal sealed class FunctionDefinition(string name, List<(string Name, bool IsValue)> parameters)
{
    public string Name { get; } = name;
    public List<(string Name, bool IsValue)> Parameters { get; } = parameters;
    public Node Body { get; set; } = null!;

    /// <summary>For the prelude's definitions: their closure environment, fixed once (so calls need not search for it).</summary>
    public Env? FixedEnv { get; set; }
}

internal sealed class DefineNode(FunctionDefinition definition, Node rest) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => rest.Eval(input, env.WithFunction(definition));

    public override IEnumerable<PathValue> Paths(PathValue input, Env env) => rest.Paths(input, env.WithFunction(definition));
}

internal sealed class CallNode(FunctionDefinition definition, List<Node> arguments) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var bodyEnv in Environments(input, env))
        {
            foreach (var output in definition.Body.Eval(input, bodyEnv))
                yield return output;
        }
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        foreach (var bodyEnv in Environments(input.Value, env))
        {
            foreach (var output in definition.Body.Paths(input, bodyEnv))
                yield return output;
        }
    }

    private IEnumerable<Env> Environments(object? input, Env env)
    {
        var closureEnv = definition.FixedEnv ?? env.FindFunction(definition);
        if (arguments.Count == 0)
            return [closureEnv];
        return Bind(input, env, closureEnv, 0);
    }

    // Value parameters ($a) bind each output of their argument; the first parameter varies slowest.
    private IEnumerable<Env> Bind(object? input, Env callerEnv, Env bodyEnv, int index)
    {
        if (index == arguments.Count)
        {
            yield return bodyEnv;
            yield break;
        }
        var (name, isValue) = definition.Parameters[index];
        var withParameter = bodyEnv.WithParameter(name, new Closure(arguments[index], callerEnv));
        if (!isValue)
        {
            foreach (var result in Bind(input, callerEnv, withParameter, index + 1))
                yield return result;
            yield break;
        }
        foreach (var value in arguments[index].Eval(input, callerEnv))
        {
            foreach (var result in Bind(input, callerEnv, withParameter.WithVariable(name, value), index + 1))
                yield return result;
        }
    }
}

internal sealed class ParameterCallNode(string name) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        var closure = env.FindParameter(name);
        return closure.Body.Eval(input, closure.Env);
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        var closure = env.FindParameter(name);
        return closure.Body.Paths(input, closure.Env);
    }
}

internal sealed class BreakException(object label) : Exception("break")
{
    public object Label { get; } = label;
}

internal sealed class LabelNode(string name, Node body) : Node
{
    private readonly string _key = "*label*" + name;

    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        var label = new object();
        return Guarded.Run(() => body.Eval(input, env.WithVariable(_key, label)),
            exception => exception is BreakException found && ReferenceEquals(found.Label, label), static _ => []);
    }

    public override IEnumerable<PathValue> Paths(PathValue input, Env env)
    {
        var label = new object();
        return Guarded.Run(() => body.Paths(input, env.WithVariable(_key, label)),
            exception => exception is BreakException found && ReferenceEquals(found.Label, label), static _ => []);
    }
}

internal sealed class BreakNode(string name) : Node
{
    private readonly string _key = "*label*" + name;

    public override IEnumerable<object?> Eval(object? input, Env env) => throw new BreakException(env.Variable(_key)!);

    public override IEnumerable<PathValue> Paths(PathValue input, Env env) => throw new BreakException(env.Variable(_key)!);
}
