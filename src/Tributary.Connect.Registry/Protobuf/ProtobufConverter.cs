using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Registry.Client;
using Tributary.Connect.Storage;
using Tributary.Schemas.Protobuf;

namespace Tributary.Connect.Registry.Protobuf;

/// <summary>
/// Confluent's <c>io.confluent.connect.protobuf.ProtobufConverter</c>: Connect data ↔ Confluent's Protobuf wire format,
/// a magic byte 0, the schema id as a 4-byte big-endian integer, the message indexes (zigzag varints: their count, then
/// each index; a single 0 stands for [0], the first message of the file), then the protobuf binary of the message.
/// Writing maps the Connect schema to a .proto file (<see cref="ProtobufData"/>), registers it (or looks it up, or takes
/// the subject's latest version) and caches id and plan per Connect schema instance; the message is always the file's
/// first. Reading fetches the writer's schema by id once, parses it with the registry's own parser, and caches the plan
/// per (id, message indexes). One instance per task and side, not thread-safe; the registry client is thread-safe.
/// </summary>
[ConnectPlugin("io.confluent.connect.protobuf.ProtobufConverter")]
public sealed class ProtobufConverter : IConverter
{
    public const byte MagicByte = 0;

    private readonly ConditionalWeakTable<Schema, WriteTarget> _writeCache = [];
    private readonly Dictionary<(int Id, string Indexes), ProtobufMessagePlan> _readCache = [];
    private readonly Dictionary<int, ProtobufSchema> _schemas = [];
    private readonly List<int> _sizes = [];
    private readonly WriterRegistration _registration;
    private ProtobufDataOptions _options = new();

    public ProtobufConverter()
    {
        _registration = new WriterRegistration(nameof(ProtobufConverter));
    }

    /// <summary>A converter on a shared client (tests, benchmarks); Configure still applies the other settings.</summary>
    public ProtobufConverter(RegistryClient client)
    {
        _registration = new WriterRegistration(nameof(ProtobufConverter), client);
    }

    public ConfigDef Config => ProtobufConverterConfig.ConfigDef();

    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
    {
        var config = new ProtobufConverterConfig(configs);
        _registration.Configure(config, isKey);
        _options = config.DataOptions();
    }

    public byte[]? FromConnectData(string topic, ConnectHeaders? headers, Schema? schema, object? value)
    {
        if (value is null && (schema is null || schema.IsOptional))
        {
            return null;
        }
        if (schema is null)
        {
            throw new DataException("ProtobufConverter needs a schema for a non-null value");
        }
        if (value is not Struct record)
        {
            throw new DataException($"ProtobufConverter writes Struct values, not {value?.GetType().Name ?? "null"}");
        }
        var target = Target(topic, schema);
        try
        {
            _sizes.Clear();
            var length = ProtobufBinary.Size(target.Plan, record, _sizes);
            // Header: magic byte, id, and the message indexes [0] written as the single byte 0.
            var result = new byte[6 + length];
            result[0] = MagicByte;
            BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(1), target.Id);
            var payload = new byte[length];
            var output = new CodedOutputStream(payload);
            var next = 0;
            ProtobufBinary.Write(output, target.Plan, record, _sizes, ref next);
            output.Flush();
            payload.CopyTo(result, 6);
            return result;
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException or KeyNotFoundException)
        {
            throw new DataException($"Failed to serialize Protobuf data from topic {topic}: a value does not match its schema ({e.Message})", e);
        }
    }

    public SchemaAndValue ToConnectData(string topic, ConnectHeaders? headers, byte[]? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }
        if (value.Length < 6 || value[0] != MagicByte)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to Protobuf: Unknown magic byte!");
        }
        var id = BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(1));
        try
        {
            var input = new CodedInputStream(value, 5, value.Length - 5);
            var count = input.ReadSInt32();
            int[] indexes;
            if (count == 0)
            {
                indexes = [0];
            }
            else
            {
                if (count < 0 || count > 100)
                {
                    throw new DataException($"Failed to deserialize data for topic {topic} to Protobuf: invalid message index count {count}");
                }
                indexes = new int[count];
                for (var i = 0; i < count; i++)
                {
                    indexes[i] = input.ReadSInt32();
                }
            }
            var plan = ReadPlan(id, indexes);
            return new SchemaAndValue(plan.Connect, ProtobufBinary.Read(input, plan));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to Protobuf: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new DataException($"Failed to deserialize data for topic {topic} to Protobuf: a value is out of range", e);
        }
    }

    private WriteTarget Target(string topic, Schema schema)
    {
        if (_writeCache.TryGetValue(schema, out var cached))
        {
            return cached;
        }
        var (text, fullName) = ProtobufData.FromConnect(schema, _options);
        var parsed = ProtobufSchema.Parse(text, []);
        var id = _registration.WriterId(topic, fullName, Tributary.Schemas.SchemaTypes.Protobuf, parsed.CanonicalString);
        var (message, messageName) = ProtobufData.MessageAt(parsed, [0]);
        var target = new WriteTarget(id, ProtobufData.Bind(ProtobufData.ToConnect(parsed, message, messageName, _options), schema));
        _writeCache.AddOrUpdate(schema, target);
        return target;
    }

    private ProtobufMessagePlan ReadPlan(int id, int[] indexes)
    {
        var key = (id, string.Join(',', indexes));
        if (_readCache.TryGetValue(key, out var plan))
        {
            return plan;
        }
        if (!_schemas.TryGetValue(id, out var schema))
        {
            var client = _registration.Client;
            var registered = client.GetById(id);
            if (registered.SchemaType != Tributary.Schemas.SchemaTypes.Protobuf)
            {
                throw new DataException($"Schema {id} is {registered.SchemaType}, not PROTOBUF");
            }
            try
            {
                schema = ProtobufSchema.Parse(registered.Schema, client.GetReferencedSchemas(id));
            }
            catch (Tributary.Schemas.InvalidSchemaException e)
            {
                throw new DataException($"Schema {id} does not parse as Protobuf: {e.Message}", e);
            }
            _schemas[id] = schema;
        }
        var (message, fullName) = ProtobufData.MessageAt(schema, indexes);
        plan = ProtobufData.ToConnect(schema, message, fullName, _options);
        _readCache[key] = plan;
        return plan;
    }

    public void Dispose() => _registration.Dispose();

    private sealed record WriteTarget(int Id, ProtobufMessagePlan Plan);
}
