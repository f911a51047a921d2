using Tributary.Aws;

namespace Tributary.Kinesis;

public sealed partial class KinesisStreams
{
    /// <summary>AWS's limit of enhanced fan-out consumers per stream.</summary>
    public const int MaxConsumersPerStream = 20;

    public ConsumerState RegisterConsumer(StreamState stream, string name)
    {
        lock (stream.Lock)
        {
            EnsureActive(stream);
            if (stream.Consumers.Any(c => c.Name == name))
            {
                throw AwsErrorException.ResourceInUse($"Consumer {name} under stream {stream.Name} already exists for account {_options.AccountId}.");
            }
            if (stream.Consumers.Count >= MaxConsumersPerStream)
            {
                throw AwsErrorException.LimitExceeded($"Consumer limit of {MaxConsumersPerStream} reached for stream {stream.Name} under account {_options.AccountId}.");
            }
            var now = NowMs;
            var consumer = new ConsumerState(name, now, $"{stream.Arn}/consumer/{name}:{now / 1000}");
            stream.Consumers.Add(consumer);
            Persist();
            return consumer;
        }
    }

    /// <summary>
    /// Finds a consumer by ConsumerARN, or by StreamARN + ConsumerName (AWS accepts either form; with an ARN the
    /// other two must be absent or agree).
    /// </summary>
    public (StreamState Stream, ConsumerState Consumer) FindConsumer(string? streamArn, string? consumerName, string? consumerArn)
    {
        if (consumerArn is not null)
        {
            var streamName = ParseStreamArn(consumerArn) ?? throw AwsErrorException.InvalidArgument($"ConsumerARN {consumerArn} is not a valid consumer ARN.");
            var stream = Resolve(streamName, null);
            lock (stream.Lock)
            {
                var consumer = stream.Consumers.FirstOrDefault(c => c.Arn == consumerArn)
                    ?? throw AwsErrorException.ResourceNotFound($"Consumer {consumerArn} under account {_options.AccountId} not found.");
                return (stream, consumer);
            }
        }
        if (streamArn is null || consumerName is null)
        {
            throw AwsErrorException.InvalidArgument("Either ConsumerARN, or both StreamARN and ConsumerName, must be provided.");
        }
        var owner = Resolve(null, streamArn);
        lock (owner.Lock)
        {
            var consumer = owner.Consumers.FirstOrDefault(c => c.Name == consumerName)
                ?? throw AwsErrorException.ResourceNotFound($"Consumer {consumerName} under stream {owner.Name} under account {_options.AccountId} not found.");
            return (owner, consumer);
        }
    }

    public void DeregisterConsumer(StreamState stream, ConsumerState consumer)
    {
        lock (stream.Lock)
        {
            stream.Consumers.Remove(consumer);
            Persist();
        }
    }
}
