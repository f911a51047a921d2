using Tributary.Connect.Config;
using Tributary.Connect.Registry.Avro;

namespace Tributary.Connect.Registry.Client;

/// <summary>
/// What every schema-registry converter (Avro, Protobuf, JSON Schema) does the same way, configured from the keys
/// Confluent's serializers share (<c>schema.registry.url</c>, <c>auto.register.schemas</c>, <c>use.latest.version</c>,
/// <c>key.subject.name.strategy</c> / <c>value.subject.name.strategy</c>): the registry client (its own, or a shared
/// one handed in), and the id a writer schema is written with — the subject its strategy names, then either the
/// subject's latest version or the schema registered (or only looked up) there. Not thread-safe, like the converters
/// that own it; the client is.
/// </summary>
public sealed class WriterRegistration(string converterName, RegistryClient? sharedClient = null) : IDisposable
{
    private RegistryClient? _client = sharedClient;
    private bool _ownsClient;
    private bool _isKey;
    private bool _autoRegister = true;
    private bool _useLatest;
    private Func<string, bool, string?, string> _subject = SubjectNameStrategy.Parse(SubjectNameStrategy.TopicName);

    /// <summary>Reads the shared keys from a converter's configuration (its own keys stay the converter's).</summary>
    public void Configure(AbstractConfig config, bool isKey)
    {
        _isKey = isKey;
        _autoRegister = config.GetBoolean(AvroConverterConfig.AutoRegisterSchemas);
        _useLatest = config.GetBoolean(AvroConverterConfig.UseLatestVersion);
        _subject = SubjectNameStrategy.Parse(config.GetString(isKey ? AvroConverterConfig.KeySubjectNameStrategy : AvroConverterConfig.ValueSubjectNameStrategy)!);
        if (_client is null)
        {
            _client = new RegistryClient(string.Join(",", config.GetList(AvroConverterConfig.SchemaRegistryUrl)));
            _ownsClient = true;
        }
    }

    /// <summary>The client; a converter used before <see cref="Configure"/> is a programming error.</summary>
    public RegistryClient Client => _client ?? throw new InvalidOperationException($"{converterName} is not configured");

    /// <summary>
    /// The schema id to write <paramref name="schemaText"/> (of <paramref name="schemaType"/>: AVRO, PROTOBUF, JSON)
    /// with for <paramref name="topic"/>; <paramref name="recordName"/> is the record's full name for the
    /// record-name strategies. Throws the registry's error (40401, 40403, 409, ...) as the client reports it.
    /// </summary>
    public int WriterId(string topic, string? recordName, string schemaType, string schemaText)
    {
        var client = Client;
        var subject = _subject(topic, _isKey, recordName);
        return _useLatest ? client.GetLatest(subject).Id : client.GetId(subject, schemaType, schemaText, _autoRegister);
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client?.Dispose();
        }
    }
}
