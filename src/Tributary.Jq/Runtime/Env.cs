using Tributary.Jq.Syntax;

namespace Tributary.Jq.Runtime;

/// <summary>A filter argument: the argument's syntax and the environment of the call site that passed it.</summary>
internal sealed record Closure(Node Body, Env Env);

/// <summary>
/// One immutable frame of the lexical environment: a variable, a filter parameter, a function definition or a label.
/// Frames are created per evaluation and never changed, which is what makes one parsed program safe to run from
/// many threads at once.
/// </summary>
internal sealed class Env
{
    private Env(Env? parent, string? name, object? value, Closure? parameter, FunctionDefinition? function)
    {
        Parent = parent;
        Name = name;
        Value = value;
        Parameter = parameter;
        Function = function;
    }

    public Env? Parent { get; }
    public string? Name { get; }
    public object? Value { get; }
    public Closure? Parameter { get; }
    public FunctionDefinition? Function { get; }

    /// <summary>The environment every program starts in: the jq-defined builtins (see <see cref="Prelude"/>).</summary>
    public static Env Prelude => Runtime.Prelude.Environment;

    public static Env Empty { get; } = new(null, null, null, null, null);

    public Env WithVariable(string name, object? value) => new(this, name, value, null, null);

    public Env WithParameter(string name, Closure closure) => new(this, name, null, closure, null);

    public Env WithFunction(FunctionDefinition function) => new(this, null, null, null, function);

    public object? Variable(string name)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame.Parameter is null && frame.Function is null && frame.Name == name)
                return frame.Value;
        }
        throw new JqException("$" + name + " is not defined");
    }

    public Closure FindParameter(string name)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame.Parameter is not null && frame.Name == name)
                return frame.Parameter;
        }
        throw new JqException(name + "/0 is not defined");
    }

    /// <summary>The frame that defined <paramref name="function"/>: the function's closure environment (it sees itself).</summary>
    public Env FindFunction(FunctionDefinition function)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (ReferenceEquals(frame.Function, function))
                return frame;
        }
        throw new JqException(function.Name + "/" + function.Parameters.Count + " is not defined");
    }
}
