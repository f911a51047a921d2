using System.Text;
using System.Text.Json.Nodes;
using Tributary.Jq.Runtime;
using Tributary.Jq.Syntax;

namespace Tributary.Jq;

/// <summary>
/// A parsed jq 1.6 program. Parse once, then <see cref="Run"/> any number of times from any number of threads:
/// the syntax tree is immutable after parsing and every run keeps its state (variables, closures) on its own stack.
/// </summary>
public sealed class JqProgram
{
    private readonly Node _root;

    private JqProgram(Node root)
    {
        _root = root;
    }

    /// <summary>Parses <paramref name="text"/>; a syntax error or an unknown function is a <see cref="JqException"/>.</summary>
    public static JqProgram Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new JqProgram(Parser.ParseProgram(text));
    }

    /// <summary>
    /// Runs the program on one input and returns every output in order. The first runtime error ends the run with a
    /// <see cref="JqException"/> (outputs produced before it are dropped; use <see cref="RunUntilError"/> to keep them).
    /// </summary>
    public IReadOnlyList<JsonNode?> Run(JsonNode? input)
    {
        var outputs = new List<JsonNode?>();
        foreach (var output in _root.Eval(Values.FromNode(input), Env.Prelude))
            outputs.Add(Values.ToNode(output));
        return outputs;
    }

    /// <summary>Like <see cref="Run"/>, but keeps the outputs produced before a runtime error and returns the error.</summary>
    public IReadOnlyList<JsonNode?> RunUntilError(JsonNode? input, out JqException? error)
    {
        var outputs = new List<JsonNode?>();
        error = null;
        try
        {
            foreach (var output in _root.Eval(Values.FromNode(input), Env.Prelude))
                outputs.Add(Values.ToNode(output));
        }
        catch (JqException exception)
        {
            error = exception;
        }
        return outputs;
    }

    /// <summary>
    /// Exactly what <c>jq -c</c> prints for <paramref name="value"/>: numbers as doubles in jq 1.6's shortest
    /// round-trip format (1e1000 prints as 1.7976931348623157e+308, NaN as null), keys in their order, jq's escaping.
    /// </summary>
    public static string ToJson(JsonNode? value)
    {
        var builder = new StringBuilder();
        JsonText.WriteNode(builder, value);
        return builder.ToString();
    }
}
