using Tributary.Athena.Queries;
using Tributary.Broker;
using Tributary.Firehose.Model;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;
using Tributary.Kinesis;
using Tributary.WebConsole.Generator;

namespace Tributary.WebConsole;

/// <summary>
/// What the console shows, handed over by the host: the broker (topics, messages, consumer groups), the delivery
/// streams, the Kinesis streams, the address of the Connect worker's REST API, the Glue catalog and crawlers and
/// Athena's query executions (the same instances the AWS APIs serve), the data generator's runs (owned by the host,
/// which disposes them at shutdown) and the address of this server's AWS APIs (the generator's Kinesis and Firehose
/// targets). The console reaches Connect over HTTP like any Connect tool, so it needs no reference to the runtime;
/// the functions are for what starts after the admin port (or not at all: null then, and the pages say the service is
/// off).
/// </summary>
public sealed record ConsoleSources(
    IBrokerApi Broker,
    IDeliveryStreams Delivery,
    Func<KinesisStreams?> Kinesis,
    Func<Uri?> ConnectRest,
    DataCatalog Catalog,
    CrawlerRegistry Crawlers,
    QueryExecutions Queries,
    GeneratorRuns Generator,
    Func<Uri?> AwsEndpoint);
