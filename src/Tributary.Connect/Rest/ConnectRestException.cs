namespace Tributary.Connect.Runtime.Rest;

/// <summary>
/// An error with an HTTP status, answered as Connect's <c>{"error_code":status,"message":…}</c> (Kafka's
/// <c>ConnectRestException</c>; <c>BadRequestException</c> is status 400).
/// </summary>
public class ConnectRestException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}

/// <summary>400 Bad Request.</summary>
public sealed class BadRequestException(string message) : ConnectRestException(400, message);
