namespace Tributary.Orc;

/// <summary>
/// A file that is not valid ORC (bad magic, truncated tail, a malformed protobuf message, a stream that ends early, an
/// encoding the type does not allow) or a value the writer cannot represent. The message names what was wrong and, where
/// known, the column and stream. Every malformed input surfaces as this exception, never as another one.
/// </summary>
public sealed class OrcFormatException : Exception
{
    public OrcFormatException(string message) : base(message)
    {
    }

    public OrcFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}
