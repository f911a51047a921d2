using Tributary.Broker;
using Tributary.Firehose.Model;
using Tributary.Kinesis;

namespace Tributary.WebConsole;

/// <summary>
/// What the console shows, handed over by the host: the broker (topics, messages, consumer groups), the delivery
/// streams, the Kinesis streams and the address of the Connect worker's REST API. The console reaches Connect over
/// HTTP like any Connect tool, so it needs no reference to the runtime; the last two are functions because they start
/// after the admin port (or not at all: null then, and the pages say the service is off).
/// </summary>
public sealed record ConsoleSources(
    IBrokerApi Broker,
    IDeliveryStreams Delivery,
    Func<KinesisStreams?> Kinesis,
    Func<Uri?> ConnectRest);
