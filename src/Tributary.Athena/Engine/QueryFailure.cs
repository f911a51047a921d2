namespace Tributary.Athena.Engine;

/// <summary>
/// A query that cannot complete: its message for Status.StateChangeReason and AthenaError.ErrorMessage, and Athena's
/// error catalog codes — ErrorCategory 1 SYSTEM, 2 USER; ErrorType 1000 user error (SQL, names), 1001 data error (objects
/// that do not parse), 100 internal service error, 401 results not written.
/// </summary>
public sealed class QueryFailure(string message, (int Category, int Type) error, Exception? inner = null) : Exception(message, inner)
{
    public static readonly (int, int) UserError = (2, 1000);
    public static readonly (int, int) DataError = (2, 1001);
    public static readonly (int, int) InternalError = (1, 100);
    public static readonly (int, int) ResultWriteError = (1, 401);

    public int ErrorCategory { get; } = error.Category;

    public int ErrorType { get; } = error.Type;
}
