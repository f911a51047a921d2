using Tributary.Jq.Runtime;

namespace Tributary.Jq.Syntax;

/// <summary>
/// <c>lhs |= f</c> as jq 1.6: for each path of lhs (computed on the original input), the first output of f on the
/// value there replaces it; when f yields nothing the path is deleted (so <c>[1,2,3] | .[] |= empty</c> is [2], as in 1.6).
/// </summary>
internal sealed class UpdateNode(Node target, Node update) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env) => [Apply(input, env, target, value => FirstOrNone(update.Eval(value, env)))];

    private static (bool, object?) FirstOrNone(IEnumerable<object?> outputs)
    {
        foreach (var output in outputs)
            return (true, output);
        return (false, null);
    }

    public static object? Apply(object? input, Env env, Node target, Func<object?, (bool Found, object? Value)> update)
    {
        var result = input;
        foreach (var pathValue in target.Paths(new PathValue(null, input), env))
        {
            var path = PathList.ToArray(pathValue.Path);
            var (found, replacement) = update(Operations.GetPath(result, path));
            result = found ? Operations.SetPath(result, path, 0, replacement) : Operations.DeletePaths(result, [path]);
        }
        return result;
    }
}

/// <summary><c>lhs = rhs</c>: rhs runs on the original input; each of its outputs gives one result with every lhs path set to it.</summary>
internal sealed class AssignNode(Node target, Node source) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in source.Eval(input, env))
        {
            var result = input;
            foreach (var pathValue in target.Paths(new PathValue(null, input), env))
                result = Operations.SetPath(result, PathList.ToArray(pathValue.Path), 0, value);
            yield return result;
        }
    }
}

/// <summary><c>lhs op= rhs</c>: <c>rhs as $v | lhs |= . op $v</c>, with rhs evaluated on the original input.</summary>
internal sealed class ArithmeticUpdateNode(Node target, char op, Node source) : Node
{
    private readonly string _op = op.ToString();

    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in source.Eval(input, env))
            yield return UpdateNode.Apply(input, env, target, current => (true, Operations.Binary(_op, current, value)));
    }
}

/// <summary><c>lhs //= rhs</c>: <c>rhs as $v | lhs |= (. // $v)</c>.</summary>
internal sealed class AlternativeUpdateNode(Node target, Node source) : Node
{
    public override IEnumerable<object?> Eval(object? input, Env env)
    {
        foreach (var value in source.Eval(input, env))
            yield return UpdateNode.Apply(input, env, target, current => (true, Values.IsTruthy(current) ? current : value));
    }
}
