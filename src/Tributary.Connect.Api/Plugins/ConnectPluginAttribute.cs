namespace Tributary.Connect.Plugins;

/// <summary>The kinds of plugin /connector-plugins lists (its <c>type</c> values).</summary>
public enum PluginType
{
    Source,
    Sink,
    Converter,
    HeaderConverter,
    Transformation,
    Predicate,
}

/// <summary>
/// Declares a class a Connect plugin under its Java class name, so a configuration that says
/// <c>connector.class=io.confluent.connect.s3.S3SinkConnector</c> (or one of its aliases: the simple class name, and
/// the simple name without its <c>Connector</c>/<c>Converter</c>/<c>Transformation</c> suffix, as Kafka derives them)
/// selects it. Nested variants use Java's <c>$</c>: <c>org.apache.kafka.connect.transforms.InsertField$Value</c>.
/// <see cref="Aliases"/> adds names beyond the derived ones. The class needs a public parameterless constructor.
/// Plugins in assemblies under <c>plugin.path</c> are found by this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConnectPluginAttribute(string className) : Attribute
{
    public string ClassName { get; } = className;

    public string[] Aliases { get; init; } = [];
}
