namespace Tributary.Connect.Errors;

/// <summary>
/// The base of every error the Connect framework and connectors raise (Kafka's <c>ConnectException</c>). A task that
/// throws one fails; its message becomes the status trace.
/// </summary>
public class ConnectException : Exception
{
    public ConnectException(string message)
        : base(message)
    {
    }

    public ConnectException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>A value that does not fit its schema, or a conversion that cannot be done (Kafka's <c>DataException</c>).</summary>
public class DataException : ConnectException
{
    public DataException(string message)
        : base(message)
    {
    }

    public DataException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>A failure worth retrying: the framework retries the operation instead of failing the task.</summary>
public class RetriableException : ConnectException
{
    public RetriableException(string message)
        : base(message)
    {
    }

    public RetriableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>An invalid schema construction (a default that does not fit, a field added twice, ...).</summary>
public sealed class SchemaBuilderException(string message) : DataException(message);

/// <summary>A value that cannot be projected from one schema version to another.</summary>
public sealed class SchemaProjectorException(string message) : DataException(message);

/// <summary>A named thing (connector, task, plugin) does not exist: REST answers 404.</summary>
public sealed class NotFoundException(string message, Exception? inner = null) : ConnectException(message, inner);

/// <summary>A named thing already exists: REST answers 409.</summary>
public sealed class AlreadyExistsException(string message) : ConnectException(message);

/// <summary>A call made in a state that does not allow it (a context used after its task stopped).</summary>
public sealed class IllegalWorkerStateException(string message) : ConnectException(message);
