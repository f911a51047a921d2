using Tributary.Jq.Runtime;

namespace Tributary.Jq.Syntax;

/// <summary>A destructuring pattern of <c>... as $x</c>, <c>as [$a, $b]</c>, <c>as {a: $x, $b}</c>.</summary>
internal abstract class Pattern
{
    /// <summary>Every environment the pattern binds for <paramref name="value"/> (several when a key expression has several outputs).</summary>
    public abstract IEnumerable<Env> Bind(object? value, Env evaluationEnv, Env target);

    public abstract void CollectVariables(HashSet<string> names);
}

internal sealed class VariablePattern(string name) : Pattern
{
    public override IEnumerable<Env> Bind(object? value, Env evaluationEnv, Env target) => [target.WithVariable(name, value)];

    public override void CollectVariables(HashSet<string> names) => names.Add(name);
}

internal sealed class ArrayPattern(List<Pattern> elements) : Pattern
{
    public override IEnumerable<Env> Bind(object? value, Env evaluationEnv, Env target) => BindFrom(value, evaluationEnv, target, 0);

    private IEnumerable<Env> BindFrom(object? value, Env evaluationEnv, Env target, int index)
    {
        if (index == elements.Count)
        {
            yield return target;
            yield break;
        }
        if (value is not (null or JqArray))
            throw new JqException("Cannot index " + Values.TypeName(value) + " with number");
        var element = Operations.Index(value, Values.Number(index));
        foreach (var bound in elements[index].Bind(element, evaluationEnv, target))
        {
            foreach (var result in BindFrom(value, evaluationEnv, bound, index + 1))
                yield return result;
        }
    }

    public override void CollectVariables(HashSet<string> names)
    {
        foreach (var element in elements)
            element.CollectVariables(names);
    }
}

internal sealed record ObjectPatternEntry(Node Key, string? Variable, Pattern? Value);

internal sealed class ObjectPattern(List<ObjectPatternEntry> entries) : Pattern
{
    public override IEnumerable<Env> Bind(object? value, Env evaluationEnv, Env target) => BindFrom(value, evaluationEnv, target, 0);

    private IEnumerable<Env> BindFrom(object? value, Env evaluationEnv, Env target, int index)
    {
        if (index == entries.Count)
        {
            yield return target;
            yield break;
        }
        var entry = entries[index];
        foreach (var key in entry.Key.Eval(value, target))
        {
            if (key is not string)
                throw new JqException("Cannot index " + Values.TypeName(value) + " with " + Values.TypeName(key));
            var field = Operations.Index(value, key);
            var bound = entry.Variable is null ? target : target.WithVariable(entry.Variable, field);
            if (entry.Value is null)
            {
                foreach (var result in BindFrom(value, evaluationEnv, bound, index + 1))
                    yield return result;
                continue;
            }
            foreach (var inner in entry.Value.Bind(field, evaluationEnv, bound))
            {
                foreach (var result in BindFrom(value, evaluationEnv, inner, index + 1))
                    yield return result;
            }
        }
    }

    public override void CollectVariables(HashSet<string> names)
    {
        foreach (var entry in entries)
        {
            if (entry.Variable is not null)
                names.Add(entry.Variable);
            entry.Value?.CollectVariables(names);
        }
    }
}
