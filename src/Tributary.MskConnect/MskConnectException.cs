using Tributary.Aws.RestJson;

namespace Tributary.MskConnect;

/// <summary>
/// An MSK Connect error as its REST API returns it: the HTTP status, the type in the <c>x-amzn-ErrorType</c> header
/// and the body <c>{"message": TEXT}</c>.
/// </summary>
public sealed class MskConnectException(int statusCode, string errorType, string message) : RestJsonException(statusCode, errorType, message)
{
    public static MskConnectException BadRequest(string message) => new(400, "BadRequestException", message);

    public static MskConnectException NotFound(string message) => new(404, "NotFoundException", message);

    public static MskConnectException Conflict(string message) => new(409, "ConflictException", message);

    public static MskConnectException InternalServerError(string message) => new(500, "InternalServerErrorException", message);
}
