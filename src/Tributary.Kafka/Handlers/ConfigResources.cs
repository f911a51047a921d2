namespace Tributary.Kafka.Handlers;

/// <summary>Numbers the config APIs use on the wire (Kafka's ConfigResource.Type, ConfigSource, ConfigType).</summary>
internal static class ConfigResources
{
    public const sbyte Topic = 2;
    public const sbyte Broker = 4;
    public const sbyte BrokerLogger = 8;

    public const sbyte SourceDynamicTopic = 1;
    public const sbyte SourceStaticBroker = 4;
    public const sbyte SourceDefault = 5;

    public const sbyte TypeString = 2;
    public const sbyte TypeInt = 3;
    public const sbyte TypeLong = 5;
    public const sbyte TypeDouble = 6;
    public const sbyte TypeList = 7;

    public static sbyte Source(global::Tributary.Broker.ConfigSource source) => source switch
    {
        global::Tributary.Broker.ConfigSource.Topic => SourceDynamicTopic,
        global::Tributary.Broker.ConfigSource.BrokerDefault => SourceStaticBroker,
        _ => SourceDefault,
    };

    public static sbyte TypeOf(string name) => name switch
    {
        "cleanup.policy" => TypeList,
        "message.timestamp.type" => TypeString,
        "max.message.bytes" => TypeInt,
        "min.cleanable.dirty.ratio" => TypeDouble,
        _ => TypeLong,
    };
}
