namespace Tributary.Architecture.Tests;

/// <summary>
/// The allowed project references of every production project (src/), the csproj form of the layer table in
/// docs/architecture.md. References point down only. A new project, or a new reference, is a deliberate edit
/// here and in the architecture page; anything else fails <see cref="ReferenceMatrixTests"/>.
/// Keep in sync with: docs/architecture.md ("Layers and projects").
/// </summary>
internal static class LayerMatrix
{
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        // Bottom: shared by every layer, depends on nothing.
        ["Tributary.Foundation"] = [],

        // Codecs and self-contained libraries.
        ["Tributary.Protocol"] = ["Tributary.Foundation"],
        ["Tributary.Jq"] = [],
        ["Tributary.Formats"] = ["Tributary.Foundation", "Tributary.Protocol"],
        ["Tributary.Schemas"] = [],

        // ORC reader and writer, on the JSON SerDe behaviours and table definitions of Formats.
        ["Tributary.Orc"] = ["Tributary.Formats"],

        // The connector API (Kafka's connect-api): what plugins are written against.
        ["Tributary.Connect.Api"] = [],

        // Kafka's converters and transformations on the connector API (Connect's connect-json, converters, transforms).
        ["Tributary.Connect.Converters"] = ["Tributary.Connect.Api"],
        ["Tributary.Connect.Transforms"] = ["Tributary.Connect.Api", "Tributary.Connect.Converters"],

        // Confluent's schema-aware converters (the registry's HTTP client, the wire format, Avro/Protobuf ↔ Connect data;
        // the Protobuf converter parses writer schemas with the registry's own .proto parser in Schemas).
        ["Tributary.Connect.Registry"] = ["Tributary.Connect.Api", "Tributary.Schemas"],
        // Change data capture: the Debezium-compatible core (the Kafka client for the kafka signal channel), and the
        // MySQL/MariaDB source on it (own binlog client, MySqlConnector for the snapshot's SQL, the Kafka client for the
        // schema history topic).
        ["Tributary.Cdc"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Client", "Tributary.Connect.Api"],
        ["Tributary.Cdc.MySql"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Client", "Tributary.Connect.Api", "Tributary.Cdc"],
        ["Tributary.Cdc.Postgres"] = ["Tributary.Connect.Api", "Tributary.Cdc"],
        // Connect runtime and connectors (Connect's connect-runtime and connect-file): Kafka through the client only.
        ["Tributary.Connect"] =
        [
            "Tributary.Foundation", "Tributary.Protocol", "Tributary.Client", "Tributary.Connect.Api",
            "Tributary.Connect.Converters", "Tributary.Connect.Transforms",
        ],
        ["Tributary.Connect.File"] = ["Tributary.Connect.Api"],
        ["Tributary.Connect.Datagen"] = ["Tributary.Connect.Api"],
        // Confluent's S3 sink: the sink engine's second configuration dialect, with the formats (JSON through Kafka's
        // JsonConverter, Avro through the registry project's AvroData, Parquet through Formats) and the object stores.
        ["Tributary.Connect.S3"] =
        [
            "Tributary.Foundation", "Tributary.Connect.Api", "Tributary.Connect.Converters", "Tributary.Connect.Registry",
            "Tributary.Formats", "Tributary.ObjectStores", "Tributary.Delivery",
        ],

        // Log engine.
        ["Tributary.Storage"] = ["Tributary.Foundation", "Tributary.Protocol"],

        // Broker core.
        ["Tributary.Broker"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Storage"],

        // Kafka client for external clusters (beside the broker, on the codecs only).
        ["Tributary.Client"] = ["Tributary.Foundation", "Tributary.Protocol"],

        // Test data: Kinesis Data Generator templates sent to a topic (through the client) or to the AWS JSON APIs.
        ["Tributary.Generator"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Client"],

        // Front-ends: the broker API, never the log engine.
        ["Tributary.Aws"] = ["Tributary.Foundation"],
        ["Tributary.Kafka"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Broker"],
        ["Tributary.Kinesis"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Aws", "Tributary.Broker"],
        ["Tributary.Registry"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.Broker", "Tributary.Client", "Tributary.Schemas"],
        // The Glue Data Catalog and its crawlers: a front end on the AWS front door with its own durable files; knows no
        // other service; crawlers read objects through the object stores.
        ["Tributary.Glue"] = ["Tributary.Foundation", "Tributary.Aws", "Tributary.ObjectStores"],
        // Athena: queries on embedded DuckDB over the catalog's tables, objects read through the object stores.
        ["Tributary.Athena"] = ["Tributary.Foundation", "Tributary.Aws", "Tributary.Glue", "Tributary.ObjectStores"],

        // Object stores (local directory, S3): below the sink engine and whatever else reads or writes objects.
        ["Tributary.ObjectStores"] = ["Tributary.Foundation"],

        // The S3 REST API over the embedded bucket: a REST service on the AWS front door, over the local directory store.
        ["Tributary.S3"] = ["Tributary.Foundation", "Tributary.Aws", "Tributary.ObjectStores"],
        // The MSK API: a REST service on the AWS front door; the embedded broker is its cluster (topic defaults through the broker API).
        ["Tributary.Msk"] = ["Tributary.Foundation", "Tributary.Aws", "Tributary.Broker"],
        // The MSK Connect API: a REST service on the AWS front door; plugins read through the object stores, connectors
        // run as `tributary connect-distributed` child processes (no Connect reference: it talks to their REST API).
        ["Tributary.MskConnect"] = ["Tributary.Foundation", "Tributary.Aws", "Tributary.ObjectStores"],

        // Pipelines. The sink engine knows no dialect: no broker, client, jq or Firehose.
        ["Tributary.Delivery"] = ["Tributary.Foundation", "Tributary.Protocol", "Tributary.ObjectStores"],

        // Delivery streams: the Firehose API (a front end on the AWS front door) and the Firehose dialect of the
        // sink engine, with its sources (the broker in-process, external clusters through the client).
        ["Tributary.Firehose"] =
        [
            "Tributary.Foundation", "Tributary.Protocol", "Tributary.Aws", "Tributary.Broker", "Tributary.Client",
            "Tributary.Formats", "Tributary.Orc", "Tributary.Jq", "Tributary.ObjectStores", "Tributary.Delivery",
        ],

        // The web console: JSON endpoints and embedded pages over the broker API, the Kinesis streams, the delivery
        // streams, the Glue catalog, Athena's executions and the data generator's run loop (Connect through its REST
        // API, no reference); the host maps it on the admin port.
        ["Tributary.WebConsole"] =
        [
            "Tributary.Foundation", "Tributary.Protocol", "Tributary.Aws", "Tributary.Broker", "Tributary.Kinesis",
            "Tributary.Delivery", "Tributary.Firehose", "Tributary.Glue", "Tributary.Athena", "Tributary.Generator",
        ],

        // Host: wires everything.
        ["Tributary.Server"] =
        [
            "Tributary.Foundation", "Tributary.Protocol", "Tributary.Storage", "Tributary.Broker", "Tributary.Client",
            "Tributary.Aws", "Tributary.Kafka", "Tributary.Kinesis", "Tributary.S3", "Tributary.Msk", "Tributary.MskConnect", "Tributary.Glue", "Tributary.Athena", "Tributary.Jq", "Tributary.Formats", "Tributary.Orc",
            "Tributary.ObjectStores", "Tributary.Delivery", "Tributary.Firehose", "Tributary.Registry", "Tributary.Schemas",
            "Tributary.Connect", "Tributary.Connect.Api", "Tributary.Connect.Converters", "Tributary.Connect.Transforms",
            "Tributary.Connect.File", "Tributary.Connect.S3", "Tributary.Connect.Registry", "Tributary.Cdc.MySql", "Tributary.Generator", "Tributary.Cdc.Postgres",
            "Tributary.Connect.Datagen", "Tributary.WebConsole",
        ],
    };
}
