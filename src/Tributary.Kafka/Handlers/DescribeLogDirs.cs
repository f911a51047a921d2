using Tributary.Broker;
using Tributary.Protocol.Kafka;
using Tributary.Protocol.Kafka.Messages;

namespace Tributary.Kafka.Handlers;

/// <summary>
/// DescribeLogDirs (key 35). Version notes: v1 same as v0; v2 flexible; v3 top-level ErrorCode; v4 TotalBytes
/// and UsableBytes of the directory's file system. One log directory: the data directory.
/// </summary>
public sealed class DescribeLogDirs(IBrokerApi broker) : IKafkaHandler
{
    public short ApiKey => DescribeLogDirsRequest.ApiKey;

    public short LowestVersion => 0;

    public short HighestVersion => 4;

    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, IKafkaMessage message, short version, CancellationToken cancellationToken)
    {
        var request = (DescribeLogDirsRequest)message;
        var (path, partitions) = broker.DescribeLogDirectory();
        var result = new DescribeLogDirsResponse.DescribeLogDirsResult { LogDir = path, TotalBytes = -1, UsableBytes = -1 };
        try
        {
            var drive = new DriveInfo(path);
            result.TotalBytes = drive.TotalSize;
            result.UsableBytes = drive.AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
        }
        foreach (var group in partitions.GroupBy(p => p.Topic))
        {
            var wanted = request.Topics?.FirstOrDefault(t => t.Topic == group.Key);
            if (request.Topics is not null && wanted is null)
            {
                continue;
            }
            var topic = new DescribeLogDirsResponse.DescribeLogDirsTopic { Name = group.Key };
            foreach (var partition in group)
            {
                if (wanted is null || wanted.Partitions.Contains(partition.Partition))
                {
                    topic.Partitions.Add(new DescribeLogDirsResponse.DescribeLogDirsPartition { PartitionIndex = partition.Partition, PartitionSize = partition.SizeBytes, OffsetLag = partition.OffsetLag });
                }
            }
            result.Topics.Add(topic);
        }
        var response = new DescribeLogDirsResponse();
        response.Results.Add(result);
        return ValueTask.FromResult<IKafkaMessage?>(response);
    }
}
