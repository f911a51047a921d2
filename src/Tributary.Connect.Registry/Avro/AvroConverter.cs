using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Registry.Client;
using Tributary.Connect.Storage;

namespace Tributary.Connect.Registry.Avro;

/// <summary>
/// Confluent's <c>io.confluent.connect.avro.AvroConverter</c>: Connect data ↔ Confluent's wire format, a magic byte 0,
/// the schema id as a 4-byte big-endian integer, then the Avro binary encoding. Writing maps the Connect schema to Avro
/// (<see cref="AvroData"/>), registers it under the subject its strategy names (or looks it up when
/// <c>auto.register.schemas</c> is false, or takes the subject's latest version with <c>use.latest.version</c>) and
/// caches id and plan per Connect schema instance; reading fetches the writer schema by id once and caches its plan.
/// One instance per task and side, not thread-safe (it reuses one output buffer); the registry client is thread-safe.
/// </summary>
[ConnectPlugin("io.confluent.connect.avro.AvroConverter")]
public sealed class AvroConverter : IConverter
{
    public const byte MagicByte = 0;

    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly ConditionalWeakTable<Schema, WriteTarget> _writeCache = [];
    private readonly Dictionary<int, AvroPlan> _readCache = [];
    private readonly WriterRegistration _registration;

    public AvroConverter()
    {
        _registration = new WriterRegistration(nameof(AvroConverter));
    }

    /// <summary>A converter on a shared client (tests, benchmarks, a worker that pools clients); Configure still applies the other settings.</summary>
    public AvroConverter(RegistryClient client)
    {
        _registration = new WriterRegistration(nameof(AvroConverter), client);
    }

    public ConfigDef Config => AvroConverterConfig.ConfigDef();

    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
    {
        _registration.Configure(new AvroConverterConfig(configs), isKey);
    }

    public byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value)
    {
        if (value is null && (schema is null || schema.IsOptional))
        {
            return null;
        }
        if (schema is null)
        {
            throw new DataException("AvroConverter needs a schema for a non-null value");
        }
        var target = Target(topic, schema);
        _output.ResetWrittenCount();
        var header = _output.GetSpan(5);
        header[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], target.Id);
        _output.Advance(5);
        try
        {
            AvroBinary.Write(_output, target.Plan, value);
        }
        catch (InvalidCastException e)
        {
            throw new DataException($"Failed to serialize Avro data from topic {topic}: a value does not match its schema ({e.Message})", e);
        }
        return _output.WrittenSpan.ToArray();
    }

    public SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }
        if (value.Length < 5 || value[0] != MagicByte)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to Avro: Unknown magic byte!");
        }
        var id = BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1));
        var plan = ReadPlan(id);
        var reader = new AvroReader(value.AsSpan(5));
        try
        {
            var result = AvroBinary.Read(ref reader, plan);
            return new SchemaAndValue(plan.Connect, result);
        }
        catch (OverflowException e)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to Avro: a value is out of range", e);
        }
    }

    private WriteTarget Target(string topic, Schema schema)
    {
        if (_writeCache.TryGetValue(schema, out var cached))
        {
            return cached;
        }
        var (json, plan) = AvroData.FromConnect(schema);
        var recordName = schema.Type == SchemaType.Struct ? global::Avro.Schema.Parse(json) is global::Avro.NamedSchema named ? named.Fullname : null : null;
        var id = _registration.WriterId(topic, recordName, "AVRO", json);
        var target = new WriteTarget(id, plan);
        _writeCache.AddOrUpdate(schema, target);
        return target;
    }

    private AvroPlan ReadPlan(int id)
    {
        if (_readCache.TryGetValue(id, out var plan))
        {
            return plan;
        }
        var client = _registration.Client;
        var registered = client.GetById(id);
        if (registered.SchemaType != "AVRO")
        {
            throw new DataException($"Schema {id} is {registered.SchemaType}, not AVRO");
        }
        global::Avro.Schema avro;
        try
        {
            avro = global::Avro.Schema.Parse(registered.Schema);
        }
        catch (global::Avro.AvroException e)
        {
            throw new DataException($"Schema {id} does not parse as Avro: {e.Message}", e);
        }
        plan = AvroData.ToConnect(avro);
        _readCache[id] = plan;
        return plan;
    }

    public void Dispose() => _registration.Dispose();

    private sealed record WriteTarget(int Id, AvroPlan Plan);
}
