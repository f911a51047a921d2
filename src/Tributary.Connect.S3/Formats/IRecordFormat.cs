using Tributary.Connect.S3.Sink;
using Tributary.Connect.Sink;
using Tributary.Delivery.Dialect;

namespace Tributary.Connect.S3.Formats;

/// <summary>
/// One of Confluent's formats (<c>format.class</c>): the file extension, the check (and, for line formats, the
/// encoding) of a record on the task's thread, and the encoder that writes a file of records. Thread-safe:
/// <see cref="Prepare"/> runs on the worker's thread, the encoder on the engine's.
/// </summary>
public interface IRecordFormat
{
    /// <summary>The file name's extension, with its dot (<c>.json.gz</c>, <c>.snappy.parquet</c>).</summary>
    string Extension { get; }

    IObjectEncoder<S3Record> Encoder { get; }

    /// <summary>True when a file holds one schema for all its records (Avro, Parquet): a change of schema must start a new file.</summary>
    bool OneSchemaPerFile { get; }

    /// <summary>
    /// The record's bytes for a line format, or an empty array for the schema formats (which keep the Connect value until
    /// the file is written). A <see cref="Errors.DataException"/> when the record does not fit the format.
    /// </summary>
    byte[] Prepare(SinkRecord record);
}
