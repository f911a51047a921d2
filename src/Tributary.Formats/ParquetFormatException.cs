namespace Tributary.Formats;

/// <summary>
/// A Parquet file (or a schema or value meant for one) is not valid: a malformed footer or page,
/// an unsupported encoding, a schema that breaks the specification's rules, or a value that does not
/// fit its column. The message names the column (dotted path) and, for values, the row.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    public ParquetFormatException(string message)
        : base(message)
    {
    }

    public ParquetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
