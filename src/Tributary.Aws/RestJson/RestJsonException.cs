namespace Tributary.Aws.RestJson;

/// <summary>
/// An error of a REST-JSON AWS service (MSK, MSK Connect, ...) as those APIs return it: the HTTP status, the type in
/// the <c>x-amzn-ErrorType</c> header and the body <c>{"message": TEXT, "invalidParameter": NAME}</c> (the second
/// member only where the service names a parameter at fault). Services derive their own type to keep their factories.
/// </summary>
public class RestJsonException(int statusCode, string errorType, string message, string? invalidParameter = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string ErrorType { get; } = errorType;

    public string? InvalidParameter { get; } = invalidParameter;
}
