using System.Globalization;
using Tributary.Connect.Config;
using Tributary.Connect.Data;
using Tributary.Connect.Datagen.Avro;
using Tributary.Connect.Errors;
using Tributary.Connect.Headers;
using Tributary.Connect.Plugins;
using Tributary.Connect.Source;

namespace Tributary.Connect.Datagen;

/// <summary>
/// One datagen task: a record per poll after a random wait up to <c>max.interval</c>; the value a struct of the schema,
/// the key the key field's value with that field's schema (or no key). Source partition <c>{"task.id": n}</c>, source
/// offset <c>{"current.iteration": i}</c>: a restarted task goes on counting from the committed iteration, so
/// <c>iterations</c> bounds what a task sends across restarts. Headers <c>task.id</c> and <c>current.iteration</c>, as
/// datagen's. With <c>random.seed</c> the values repeat run after run (the seed plus the task id seeds the task).
/// One poll at a time.
/// </summary>
[ConnectPlugin("io.confluent.kafka.connect.datagen.DatagenTask")]
public sealed class DatagenTask : SourceTask
{
    public const string TaskIdField = "task.id";
    public const string IterationField = "current.iteration";

    private DatagenSchema _schema = null!;
    private string _topic = "";
    private long _maxInterval;
    private int _iterations;
    private int _taskId;
    private long _iteration;
    private Random _random = new();
    private IReadOnlyDictionary<string, object?> _partition = new Dictionary<string, object?>();

    public override string Version => DatagenVersion.Value;

    public override Task StartAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        var config = new AbstractConfig(DatagenConnector.Definition, properties);
        try
        {
            _schema = DatagenSchema.Load(config);
        }
        catch (SchemaDefinitionException e)
        {
            throw new ConnectException(e.Message);
        }
        _topic = config.GetString(DatagenConnector.TopicConfig)!;
        _maxInterval = config.GetLong(DatagenConnector.MaxIntervalConfig);
        _iterations = config.GetInt(DatagenConnector.IterationsConfig);
        _taskId = properties.TryGetValue(DatagenConnector.TaskIdConfig, out var id) && int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        _partition = new Dictionary<string, object?> { [TaskIdField] = _taskId };
        var committed = Context?.OffsetStorageReader.Offset(_partition);
        if (committed is not null && committed.TryGetValue(IterationField, out var value) && value is long or int)
        {
            _iteration = System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }
        var seed = config.Get(DatagenConnector.RandomSeedConfig) is long s ? (int)(s ^ (s >> 32)) + _taskId : (int?)null;
        _random = seed is { } fixedSeed ? new Random(fixedSeed) : new Random();
        // Iteration hints count from their start in a new run; a resumed task skips the values already sent.
        for (var i = 0L; i < _iteration && seed is not null; i++)
        {
            _schema.Value.Next(_random);
        }
        return Task.CompletedTask;
    }

    public override async ValueTask<IReadOnlyList<SourceRecord>?> PollAsync(CancellationToken cancellationToken)
    {
        if (_iterations > 0 && _iteration >= _iterations)
        {
            throw new ConnectException($"Stopping connector: generated the configured {_iterations} number of messages");
        }
        if (_maxInterval > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_maxInterval * _random.NextDouble()), cancellationToken).ConfigureAwait(false);
        }
        var value = (Struct)_schema.Value.Next(_random)!;
        Schema? keySchema = null;
        object? key = null;
        if (_schema.KeyField is { } keyField)
        {
            keySchema = value.Schema.Field(keyField)!.Schema;
            key = value.Get(keyField);
        }
        _iteration++;
        var headers = new ConnectHeaders().Add(TaskIdField, Schema.Int32, _taskId).Add(IterationField, Schema.Int64, _iteration);
        var offset = new Dictionary<string, object?> { [IterationField] = _iteration };
        return [new SourceRecord(_partition, offset, _topic, null, keySchema, key, value.Schema, value, null, headers)];
    }

    public override Task StopAsync() => Task.CompletedTask;
}
