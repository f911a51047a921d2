using System.Globalization;
using System.Text;

namespace Tributary.Connect.S3.Sink;

/// <summary>
/// Confluent's object keys (TopicPartitionWriter.fileKeyToCommit):
/// <c>&lt;topics.dir&gt;/&lt;topic&gt;/&lt;encodedPartition&gt;/&lt;topic&gt;+&lt;kafkaPartition&gt;+&lt;startOffset zero-padded&gt;&lt;extension&gt;</c>
/// with <c>directory.delim</c> for <c>/</c> and <c>file.delim</c> for <c>+</c>; a blank <c>topics.dir</c> drops the prefix.
/// Immutable and thread-safe.
/// </summary>
public sealed class ObjectKeys(string topicsDir, string directoryDelimiter, string fileDelimiter, int zeroPadWidth)
{
    public string FileKey(string topic, string encodedPartition, int kafkaPartition, long startOffset, string extension)
    {
        var key = new StringBuilder(96);
        if (!string.IsNullOrWhiteSpace(topicsDir))
        {
            key.Append(topicsDir).Append(directoryDelimiter);
        }
        key.Append(topic).Append(directoryDelimiter).Append(encodedPartition).Append(directoryDelimiter)
            .Append(topic).Append(fileDelimiter).Append(kafkaPartition.ToString(CultureInfo.InvariantCulture)).Append(fileDelimiter)
            .Append(startOffset.ToString(zeroPadWidth > 0 ? "D" + zeroPadWidth.ToString(CultureInfo.InvariantCulture) : "D", CultureInfo.InvariantCulture))
            .Append(extension);
        return key.ToString();
    }
}
