namespace Tributary.Aws;

/// <summary>
/// An error answered to the client as AWS does: HTTP <see cref="StatusCode"/> and the body
/// <c>{"__type":"<see cref="ErrorType"/>","message":"..."}</c> (in CBOR for CBOR requests). Handlers throw it for
/// every modelled error; anything else escaping a handler becomes InternalFailure (500). AWS's body has no message
/// member for some protocol errors (<see cref="AwsMessage"/> null), and spells it <c>Message</c> in
/// SerializationException (<see cref="MessageMember"/>), unlike every other error's <c>message</c>.
/// </summary>
public sealed class AwsErrorException(string errorType, string? message, int statusCode = 400, string messageMember = "message") : Exception(message ?? errorType)
{
    public string ErrorType { get; } = errorType;

    public int StatusCode { get; } = statusCode;

    /// <summary>The body's message, or null when AWS sends the error type alone.</summary>
    public string? AwsMessage { get; } = message;

    /// <summary>The body member holding the message: <c>message</c>, or <c>Message</c> for SerializationException.</summary>
    public string MessageMember { get; } = messageMember;

    /// <summary>Protocol-level and common errors, with AWS's names and statuses.</summary>
    public static AwsErrorException Serialization(string? message) => new("SerializationException", message, 400, "Message");

    public static AwsErrorException UnknownOperation(string? message) => new("UnknownOperationException", message);

    public static AwsErrorException Validation(string message) => new("ValidationException", message);

    public static AwsErrorException InvalidArgument(string message) => new("InvalidArgumentException", message);

    public static AwsErrorException ResourceNotFound(string message) => new("ResourceNotFoundException", message);

    public static AwsErrorException ResourceInUse(string message) => new("ResourceInUseException", message);

    public static AwsErrorException LimitExceeded(string message) => new("LimitExceededException", message);
}
