// Tributary benchmarks. Each prints JSON lines:
//   {"bench":..,"metric":..,"value":..,"unit":..,"reference":..,"ratio":..}
// where "reference" is a figure measured in the same run on the same machine (raw disk I/O here) and
// "ratio" = value / reference. See bench/README.md for the commands behind bench/results/.
using Tributary.Bench;

var command = args.Length > 0 ? args[0] : "help";
if (command == "kinesis")
{
    return await KinesisBenchmark.RunAsync(args[1..]);
}
if (command == "codecs")
{
    return Tributary.Bench.Codecs.CodecBenchmark.Run(args[1..]);
}
if (command == "connect-json")
{
    return ConnectJsonBenchmark.Run(args[1..]);
}
if (command == "protobuf")
{
    return await ProtobufConverterBenchmark.RunAsync(args[1..]);
}
if (command == "avro")
{
    return await AvroConverterBenchmark.RunAsync(args[1..]);
}
if (command == "orc")
{
    return OrcBenchmark.Run(args[1..]);
}
if (command == "delivery")
{
    return await DeliveryBenchmark.RunAsync(args[1..]);
}
if (command == "s3sink")
{
    return await S3SinkBenchmark.RunAsync(args[1..]);
}
var options = BenchOptions.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "log":
        LogBenchmark.Run(options);
        return 0;
    case "log-alloc":
        LogBenchmark.RunAllocations(options);
        return 0;
    default:
        Console.Error.WriteLine("usage: Tributary.Bench <log|log-alloc|kinesis|delivery|s3sink|codecs|connect-json|avro|protobuf|orc> [--dir DIR] [--volume-mib N] [--batch-kib N] [--reopen-gib N] [--repeat N]");
        return 2;
}
