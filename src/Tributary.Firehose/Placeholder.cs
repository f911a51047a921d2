namespace Tributary.Firehose;
