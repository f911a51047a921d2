namespace Tributary.Aws.Cbor;

/// <summary>Malformed or unsupported CBOR input; the message says what and where (byte offset).</summary>
public sealed class CborFormatException(string message) : Exception(message);
