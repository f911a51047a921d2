using System.Text.Json.Nodes;
using Tributary.Jq.Runtime;

namespace Tributary.Jq;

/// <summary>
/// A jq syntax error (from <see cref="JqProgram.Parse"/>) or a runtime error (from <see cref="JqProgram.Run"/>).
/// For a runtime error the message is the text jq 1.6 prints after "jq: error (at ...): ", and
/// <see cref="Value"/> is the error value itself (what <c>try ... catch .</c> would see).
/// </summary>
public sealed class JqException : Exception
{
    public JqException(string message)
        : base(message)
    {
        Value = JsonValue.Create(message);
    }

    internal JqException(string message, JsonNode? value)
        : base(message)
    {
        Value = value;
    }

    /// <summary>The error value: a string for jq's own errors, anything for <c>error(v)</c>.</summary>
    public JsonNode? Value { get; }

    internal static JqException FromValue(object? value) =>
        value is string text
            ? new JqException(text)
            : new JqException("(not a string): " + JsonText.Serialize(value), Values.ToNode(value));
}
