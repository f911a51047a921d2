using Tributary.Aws.RestJson;

namespace Tributary.Msk;

/// <summary>
/// An MSK error as its REST API returns it: the HTTP status, the type in the <c>x-amzn-ErrorType</c> header and the
/// body <c>{"message": TEXT, "invalidParameter": NAME}</c> (the second member only when a parameter is at fault).
/// </summary>
public sealed class MskException(int statusCode, string errorType, string message, string? invalidParameter = null)
    : RestJsonException(statusCode, errorType, message, invalidParameter)
{
    public static MskException BadRequest(string message, string? invalidParameter = null) => new(400, "BadRequestException", message, invalidParameter);

    public static MskException NotFound(string message, string? invalidParameter = null) => new(404, "NotFoundException", message, invalidParameter);

    public static MskException Conflict(string message, string? invalidParameter = null) => new(409, "ConflictException", message, invalidParameter);

    public static MskException Unauthorized(string message) => new(401, "UnauthorizedException", message);

    public static MskException Forbidden(string message) => new(403, "ForbiddenException", message);

    public static MskException InternalServerError(string message) => new(500, "InternalServerErrorException", message);
}
