using Tributary.Broker;
using Tributary.Schemas;
using Tributary.Schemas.Compatibility;
using Tributary.Schemas.Protobuf;

namespace Tributary.Registry.Store;

/// <summary>A schema known by id: its text, type (null = AVRO) and references, parsed on first use.</summary>
public sealed class StoredSchema(int id, string? schemaType, string schema, IReadOnlyList<SchemaReference> references)
{
    public int Id { get; } = id;

    public string? SchemaType { get; } = schemaType;

    public string Schema { get; } = schema;

    public IReadOnlyList<SchemaReference> References { get; } = references;

    /// <summary>The parsed form, set when the schema parsed (a type this build cannot parse leaves it null).</summary>
    public ParsedSchema? Parsed { get; set; }
}

/// <summary>
/// The registry's state and operations, with Confluent's semantics: schemas get global ids (the same schema under
/// several subjects shares one id), subjects hold versions 1, 2, ...; soft deletes hide versions until a permanent
/// delete removes them; a registration is checked against the subject's compatibility level; modes gate writes.
/// Every change is first written durably to the registry's topic (<see cref="IRegistryLog"/>) and then applied to the
/// in-memory state, which <c>OpenAsync</c> rebuilds by replaying the topic.
/// Thread-safety: reads take the state lock; writes are serialised by a write gate held across the log append, so
/// the state only ever moves forward in log order. Only the leader writes (the only instance inside `tributary serve`,
/// or the elected one of several, <see cref="Cluster.RegistryGroupMember"/>); a write first catches up with the log,
/// so a newly elected leader allocates ids after everything its predecessor wrote.
/// </summary>
public sealed class SchemaRegistry : IDisposable
{
    private readonly object _lock = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly IRegistryLog _log;
    private readonly CompatibilityLevel _defaultCompatibility;
    private readonly Dictionary<string, SortedDictionary<int, SchemaVersionRecord>> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<int, StoredSchema> _schemas = [];
    private readonly Dictionary<string, int> _idsByCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _subjectCompatibility = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _subjectModes = new(StringComparer.Ordinal);
    private string? _globalCompatibility;
    private string? _globalMode;
    private int _maxId;

    private SchemaRegistry(IRegistryLog log, CompatibilityLevel defaultCompatibility)
    {
        _log = log;
        _defaultCompatibility = defaultCompatibility;
    }

    public static readonly string[] Modes = ["READWRITE", "READONLY", "IMPORT"];

    /// <summary>The single in-process instance: replays the topic when it exists (it is created by the first write).</summary>
    public static Task<SchemaRegistry> OpenAsync(IBrokerApi broker, RegistryOptions options, CancellationToken cancellationToken = default) =>
        OpenAsync(new RegistryLog(broker, options.Topic), options, cancellationToken);

    /// <summary>Opens the registry over <paramref name="log"/>: everything in it is applied before this returns.</summary>
    public static async Task<SchemaRegistry> OpenAsync(IRegistryLog log, RegistryOptions options, CancellationToken cancellationToken = default)
    {
        if (!CompatibilityLevels.TryParse(options.DefaultCompatibility, out var level))
        {
            throw new ArgumentException($"registry.compatibility.level: not a compatibility level: {options.DefaultCompatibility}");
        }
        var registry = new SchemaRegistry(log, level);
        await log.OpenAsync(registry.ApplyLocked, cancellationToken).ConfigureAwait(false);
        return registry;
    }

    /// <summary>Returns once every record any instance wrote before the call is applied here (a follower's read after a forwarded write).</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken = default) => _log.CatchUpAsync(cancellationToken);

    // ---------------------------------------------------------------- reads

    public StoredSchema GetSchemaById(int id)
    {
        lock (_lock)
        {
            return _schemas.TryGetValue(id, out var schema) ? schema : throw RegistryException.SchemaNotFound(id);
        }
    }

    /// <summary>The (subject, version) pairs that use schema <paramref name="id"/>.</summary>
    public IReadOnlyList<(string Subject, int Version)> VersionsOfId(int id, bool deleted)
    {
        lock (_lock)
        {
            if (!_schemas.ContainsKey(id))
            {
                throw RegistryException.SchemaNotFound(id);
            }
            var result = new List<(string, int)>();
            foreach (var (subject, versions) in _subjects.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                foreach (var (version, record) in versions)
                {
                    if (record.Id == id && (deleted || !record.Deleted))
                    {
                        result.Add((subject, version));
                    }
                }
            }
            return result;
        }
    }

    public IReadOnlyList<string> ListSubjects(bool deleted, string? prefix)
    {
        lock (_lock)
        {
            return _subjects
                .Where(s => (prefix is null || s.Key.StartsWith(prefix, StringComparison.Ordinal)) && s.Value.Values.Any(v => deleted || !v.Deleted))
                .Select(s => s.Key)
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
    }

    public IReadOnlyList<int> ListVersions(string subject, bool deleted)
    {
        lock (_lock)
        {
            var versions = LiveVersions(subject, deleted);
            return versions.Select(v => v.Version).ToArray();
        }
    }

    /// <summary>A version by its REST spelling: a number, "latest" or -1 (the latest live version).</summary>
    public SchemaVersionRecord GetVersion(string subject, string version, bool deleted)
    {
        var number = ParseVersion(version);
        lock (_lock)
        {
            var versions = LiveVersions(subject, deleted);
            if (number == -1)
            {
                return versions[^1];
            }
            var found = versions.FirstOrDefault(v => v.Version == number);
            return found ?? throw RegistryException.VersionNotFound(number);
        }
    }

    /// <summary>Ids of the live schemas whose references name this subject and version.</summary>
    public IReadOnlyList<int> ReferencedBy(string subject, string version)
    {
        var record = GetVersion(subject, version, deleted: false);
        lock (_lock)
        {
            return ReferencingIds(subject, record.Version);
        }
    }

    /// <summary>Finds the version of <paramref name="subject"/> that holds this schema (POST /subjects/{subject}).</summary>
    public SchemaVersionRecord Lookup(string subject, string schema, string? schemaType, IReadOnlyList<SchemaReference> references, bool deleted)
    {
        var parsed = Parse(schemaType, schema, references);
        lock (_lock)
        {
            if (!_subjects.TryGetValue(subject, out var versions) || (!deleted && versions.Values.All(v => v.Deleted)))
            {
                throw RegistryException.SubjectNotFound(subject);
            }
            var key = CanonicalKey(schemaType, parsed.CanonicalString, references);
            foreach (var record in versions.Values.Reverse())
            {
                if ((deleted || !record.Deleted) && _idsByCanonical.TryGetValue(key, out var id) && record.Id == id)
                {
                    return record;
                }
            }
            throw RegistryException.SchemaNotFound();
        }
    }

    /// <summary>The compatibility messages of a candidate against one version ("latest" included), or against what the level requires when <paramref name="version"/> is null.</summary>
    public IReadOnlyList<string> TestCompatibility(string subject, string? version, string schema, string? schemaType, IReadOnlyList<SchemaReference> references)
    {
        var parsed = Parse(schemaType, schema, references);
        lock (_lock)
        {
            var level = EffectiveCompatibility(subject);
            if (version is null)
            {
                var all = _subjects.TryGetValue(subject, out var versions) ? versions.Values.Where(v => !v.Deleted).Select(v => ParsedOf(v.Id)).OfType<ParsedSchema>().ToArray() : [];
                return CompatibilityChecker.Check(level, parsed, all);
            }
            var record = GetVersion(subject, version, deleted: false);
            var single = level switch
            {
                CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
                CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
                CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
                var other => other,
            };
            return ParsedOf(record.Id) is { } previous ? CompatibilityChecker.Check(single, parsed, [previous]) : [];
        }
    }

    public string? GetCompatibility(string? subject)
    {
        lock (_lock)
        {
            if (subject is null)
            {
                return _globalCompatibility ?? _defaultCompatibility.ToRestName();
            }
            return _subjectCompatibility.TryGetValue(subject, out var level) ? level : null;
        }
    }

    public string? GetMode(string? subject)
    {
        lock (_lock)
        {
            if (subject is null)
            {
                return _globalMode ?? "READWRITE";
            }
            return _subjectModes.TryGetValue(subject, out var mode) ? mode : null;
        }
    }

    // ---------------------------------------------------------------- writes

    /// <summary>
    /// Registers a schema under a subject and returns its id: the existing id when the subject already holds it as a
    /// live version, otherwise a new version (checked against the subject's compatibility level) with the schema's id
    /// (shared with other subjects that hold the same schema) or a new one. In IMPORT mode the caller's id and version are kept.
    /// </summary>
    public async Task<int> RegisterAsync(string subject, string schema, string? schemaType, IReadOnlyList<SchemaReference> references, int? importId = null, int? importVersion = null)
    {
        var parsed = Parse(schemaType, schema, references);
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            SchemaVersionRecord record;
            lock (_lock)
            {
                var mode = EffectiveMode(subject);
                if (mode == "READONLY")
                {
                    throw RegistryException.OperationNotPermitted($"Subject {subject} is in read-only mode");
                }
                if ((importId is not null || importVersion is not null) && mode != "IMPORT")
                {
                    throw RegistryException.OperationNotPermitted($"Subject {subject} is not in import mode");
                }
                var key = CanonicalKey(schemaType, parsed.CanonicalString, references);
                _subjects.TryGetValue(subject, out var versions);
                if (importId is null && _idsByCanonical.TryGetValue(key, out var existingId) && versions is not null && versions.Values.Any(v => !v.Deleted && v.Id == existingId))
                {
                    return existingId;
                }
                if (mode != "IMPORT")
                {
                    var previous = versions?.Values.Where(v => !v.Deleted).Select(v => ParsedOf(v.Id)).OfType<ParsedSchema>().ToArray() ?? [];
                    var messages = CompatibilityChecker.Check(EffectiveCompatibility(subject), parsed, previous);
                    if (messages.Count > 0)
                    {
                        throw RegistryException.Incompatible(subject, messages);
                    }
                }
                int id;
                if (importId is { } wanted)
                {
                    if (_schemas.TryGetValue(wanted, out var taken) && CanonicalKey(taken.SchemaType, taken.Parsed?.CanonicalString ?? taken.Schema, taken.References) != key)
                    {
                        throw RegistryException.OperationNotPermitted($"Overwrite new schema with id {wanted} is not permitted.");
                    }
                    id = wanted;
                }
                else
                {
                    id = _idsByCanonical.TryGetValue(key, out var shared) ? shared : _maxId + 1;
                }
                var version = importVersion ?? ((versions is { Count: > 0 } ? versions.Keys.Max() : 0) + 1);
                if (versions is not null && versions.ContainsKey(version))
                {
                    throw RegistryException.OperationNotPermitted($"Version {version} of subject {subject} already exists");
                }
                // A Protobuf schema given as a base64 FileDescriptorProto is kept as its .proto text, as Confluent's registry does.
                var text = parsed is ProtobufSchema { FromDescriptor: true } ? parsed.CanonicalString : schema;
                record = new SchemaVersionRecord(subject, version, id, schemaType == SchemaTypes.Avro ? null : schemaType, references, text, Deleted: false);
            }
            await _log.AppendAsync(RegistryRecords.SchemaKey(subject, record.Version), RegistryRecords.SchemaValue(record)).ConfigureAwait(false);
            ApplyWritten(new SchemaRecord(subject, record.Version, record));
            return record.Id;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Soft-deletes every live version of a subject, or (permanent) removes a soft-deleted subject; returns the versions affected.</summary>
    public async Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent)
    {
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            List<(byte[] Key, byte[]? Value, RegistryRecord Record)> writes = [];
            IReadOnlyList<int> affected;
            lock (_lock)
            {
                EnsureWritable(subject);
                if (!_subjects.TryGetValue(subject, out var versions) || versions.Count == 0)
                {
                    throw RegistryException.SubjectNotFound(subject);
                }
                if (!permanent)
                {
                    var live = versions.Values.Where(v => !v.Deleted).ToArray();
                    if (live.Length == 0)
                    {
                        throw RegistryException.SubjectSoftDeleted(subject);
                    }
                    foreach (var record in live)
                    {
                        EnsureNotReferenced(subject, record.Version);
                    }
                    foreach (var record in live)
                    {
                        var deleted = record with { Deleted = true };
                        writes.Add((RegistryRecords.SchemaKey(subject, record.Version), RegistryRecords.SchemaValue(deleted), new SchemaRecord(subject, record.Version, deleted)));
                    }
                    var last = versions.Keys.Max();
                    writes.Add((RegistryRecords.DeleteSubjectKey(subject), RegistryRecords.DeleteSubjectValue(subject, last), new DeleteSubjectRecord(subject, last)));
                    affected = live.Select(v => v.Version).ToArray();
                }
                else
                {
                    if (versions.Values.Any(v => !v.Deleted))
                    {
                        throw RegistryException.SubjectNotSoftDeleted(subject);
                    }
                    foreach (var version in versions.Keys)
                    {
                        writes.Add((RegistryRecords.SchemaKey(subject, version), null, new SchemaRecord(subject, version, null)));
                    }
                    affected = versions.Keys.ToArray();
                }
            }
            await WriteAllAsync(writes).ConfigureAwait(false);
            return affected;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Soft-deletes one version, or (permanent) removes a soft-deleted one; returns its number.</summary>
    public async Task<int> DeleteVersionAsync(string subject, string version, bool permanent)
    {
        var number = ParseVersion(version);
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            SchemaRecord write;
            lock (_lock)
            {
                EnsureWritable(subject);
                if (!_subjects.TryGetValue(subject, out var versions) || versions.Count == 0)
                {
                    throw RegistryException.SubjectNotFound(subject);
                }
                SchemaVersionRecord? record;
                if (number == -1)
                {
                    record = permanent ? versions.Values.LastOrDefault() : versions.Values.LastOrDefault(v => !v.Deleted);
                    if (record is null)
                    {
                        throw RegistryException.SubjectNotFound(subject);
                    }
                }
                else if (!versions.TryGetValue(number, out record))
                {
                    throw RegistryException.VersionNotFound(number);
                }
                if (!permanent && record.Deleted)
                {
                    throw RegistryException.VersionSoftDeleted(subject, record.Version);
                }
                if (permanent && !record.Deleted)
                {
                    throw RegistryException.VersionNotSoftDeleted(subject, record.Version);
                }
                EnsureNotReferenced(subject, record.Version);
                write = new SchemaRecord(subject, record.Version, permanent ? null : record with { Deleted = true });
            }
            await WriteAllAsync([(RegistryRecords.SchemaKey(subject, write.Version), write.Value is null ? null : RegistryRecords.SchemaValue(write.Value), write)]).ConfigureAwait(false);
            return write.Version;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Sets the global (subject null) or a subject's compatibility level; returns the REST name.</summary>
    public async Task<string> SetCompatibilityAsync(string? subject, string? level)
    {
        if (!CompatibilityLevels.TryParse(level, out var parsed))
        {
            throw RegistryException.InvalidCompatibilityLevel(level);
        }
        var name = parsed.ToRestName();
        await WriteGatedAsync(RegistryRecords.ConfigKey(subject), RegistryRecords.ConfigValue(name), new ConfigRecord(subject, name), subject).ConfigureAwait(false);
        return name;
    }

    /// <summary>Removes a level (the subject falls back to the global one; the global one to the default) and returns the one removed.</summary>
    public async Task<string> DeleteCompatibilityAsync(string? subject)
    {
        var current = GetCompatibility(subject);
        if (subject is not null && current is null)
        {
            throw RegistryException.SubjectCompatibilityNotConfigured(subject);
        }
        await WriteGatedAsync(RegistryRecords.ConfigKey(subject), null, new ConfigRecord(subject, null), subject).ConfigureAwait(false);
        return current!;
    }

    public async Task<string> SetModeAsync(string? subject, string? mode)
    {
        var name = Modes.FirstOrDefault(m => string.Equals(m, mode, StringComparison.OrdinalIgnoreCase)) ?? throw RegistryException.InvalidMode(mode);
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            await _log.AppendAsync(RegistryRecords.ModeKey(subject), RegistryRecords.ModeValue(name)).ConfigureAwait(false);
            ApplyWritten(new ModeRecord(subject, name));
        }
        finally
        {
            _writeGate.Release();
        }
        return name;
    }

    public async Task<string> DeleteModeAsync(string? subject)
    {
        var current = GetMode(subject);
        if (subject is not null && current is null)
        {
            throw RegistryException.SubjectModeNotConfigured(subject);
        }
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            await _log.AppendAsync(RegistryRecords.ModeKey(subject), null).ConfigureAwait(false);
            ApplyWritten(new ModeRecord(subject, null));
        }
        finally
        {
            _writeGate.Release();
        }
        return current!;
    }

    public void Dispose() => _writeGate.Dispose();

    // ---------------------------------------------------------------- state

    /// <summary>Takes the write gate and catches up with the log (records other instances wrote); the gate is released on failure.</summary>
    private async Task EnterWriteAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _log.CatchUpAsync().ConfigureAwait(false);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>After an append: applies the record unless the log's own reader has applied it already.</summary>
    private void ApplyWritten(RegistryRecord record)
    {
        if (!_log.AppliesOwnWrites)
        {
            ApplyLocked(record);
        }
    }

    private void ApplyLocked(RegistryRecord record)
    {
        lock (_lock)
        {
            Apply(record);
        }
    }

    /// <summary>Applies one record (from the log, or after its append). Called under the state lock.</summary>
    private void Apply(RegistryRecord record)
    {
        switch (record)
        {
            case SchemaRecord { Value: null } tombstone:
                if (_subjects.TryGetValue(tombstone.Subject, out var held))
                {
                    held.Remove(tombstone.Version);
                    if (held.Count == 0)
                    {
                        _subjects.Remove(tombstone.Subject);
                    }
                }
                break;
            case SchemaRecord { Value: { } value }:
                if (!_subjects.TryGetValue(value.Subject, out var versions))
                {
                    _subjects[value.Subject] = versions = [];
                }
                versions[value.Version] = value;
                _maxId = Math.Max(_maxId, value.Id);
                if (!_schemas.ContainsKey(value.Id))
                {
                    var stored = new StoredSchema(value.Id, value.SchemaType, value.Schema, value.References);
                    try
                    {
                        stored.Parsed = SchemaParser.Parse(value.SchemaType, value.Schema, ReferencedTexts(value.References));
                    }
                    catch (Exception e) when (e is InvalidSchemaException or RegistryException)
                    {
                        // Kept by id as written; it takes part in no compatibility check.
                    }
                    _schemas[value.Id] = stored;
                    _idsByCanonical.TryAdd(CanonicalKey(value.SchemaType, stored.Parsed?.CanonicalString ?? value.Schema, value.References), value.Id);
                }
                break;
            case ConfigRecord config:
                if (config.Subject is null)
                {
                    _globalCompatibility = config.Level;
                }
                else if (config.Level is null)
                {
                    _subjectCompatibility.Remove(config.Subject);
                }
                else
                {
                    _subjectCompatibility[config.Subject] = config.Level;
                }
                break;
            case ModeRecord mode:
                if (mode.Subject is null)
                {
                    _globalMode = mode.Mode;
                }
                else if (mode.Mode is null)
                {
                    _subjectModes.Remove(mode.Subject);
                }
                else
                {
                    _subjectModes[mode.Subject] = mode.Mode;
                }
                break;
            case DeleteSubjectRecord delete:
                if (_subjects.TryGetValue(delete.Subject, out var all))
                {
                    foreach (var (version, value) in all.ToArray())
                    {
                        if (version <= delete.Version && !value.Deleted)
                        {
                            all[version] = value with { Deleted = true };
                        }
                    }
                }
                break;
        }
    }

    private async Task WriteGatedAsync(byte[] key, byte[]? value, RegistryRecord record, string? subject)
    {
        await EnterWriteAsync().ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (subject is not null)
                {
                    EnsureWritable(subject);
                }
            }
            await WriteAllAsync([(key, value, record)]).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task WriteAllAsync(IReadOnlyList<(byte[] Key, byte[]? Value, RegistryRecord Record)> writes)
    {
        foreach (var (key, value, record) in writes)
        {
            await _log.AppendAsync(key, value).ConfigureAwait(false);
            ApplyWritten(record);
        }
    }

    private List<SchemaVersionRecord> LiveVersions(string subject, bool deleted)
    {
        if (!_subjects.TryGetValue(subject, out var versions))
        {
            throw RegistryException.SubjectNotFound(subject);
        }
        var live = versions.Values.Where(v => deleted || !v.Deleted).ToList();
        return live.Count > 0 ? live : throw RegistryException.SubjectNotFound(subject);
    }

    private List<int> ReferencingIds(string subject, int version)
    {
        var ids = new SortedSet<int>();
        foreach (var versions in _subjects.Values)
        {
            foreach (var record in versions.Values)
            {
                if (!record.Deleted && record.References.Any(r => r.Subject == subject && r.Version == version))
                {
                    ids.Add(record.Id);
                }
            }
        }
        return [.. ids];
    }

    private void EnsureNotReferenced(string subject, int version)
    {
        var ids = ReferencingIds(subject, version);
        if (ids.Count > 0)
        {
            throw RegistryException.ReferenceExists($"One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={subject},version={version}}}.");
        }
    }

    private void EnsureWritable(string subject)
    {
        if (EffectiveMode(subject) == "READONLY")
        {
            throw RegistryException.OperationNotPermitted($"Subject {subject} is in read-only mode");
        }
    }

    private string EffectiveMode(string subject) => _subjectModes.TryGetValue(subject, out var mode) ? mode : _globalMode ?? "READWRITE";

    private CompatibilityLevel EffectiveCompatibility(string subject)
    {
        var name = _subjectCompatibility.TryGetValue(subject, out var level) ? level : _globalCompatibility;
        return name is not null && CompatibilityLevels.TryParse(name, out var parsed) ? parsed : _defaultCompatibility;
    }

    private ParsedSchema? ParsedOf(int id) => _schemas.TryGetValue(id, out var schema) ? schema.Parsed : null;

    private ParsedSchema Parse(string? schemaType, string schema, IReadOnlyList<SchemaReference> references)
    {
        List<NamedSchemaText> texts;
        lock (_lock)
        {
            texts = ReferencedTexts(references);
        }
        try
        {
            return SchemaParser.Parse(schemaType, schema, texts);
        }
        catch (InvalidSchemaException e)
        {
            throw RegistryException.InvalidSchema(e.Message);
        }
    }

    /// <summary>The referenced schemas and theirs with their reference names, each before the schemas that use it.</summary>
    private List<NamedSchemaText> ReferencedTexts(IReadOnlyList<SchemaReference> references)
    {
        var texts = new List<NamedSchemaText>();
        var seen = new HashSet<int>();
        void Add(IReadOnlyList<SchemaReference> level, int depth)
        {
            if (depth > 32)
            {
                throw RegistryException.InvalidSchema("Schema references nest deeper than 32 levels");
            }
            foreach (var reference in level)
            {
                if (!_subjects.TryGetValue(reference.Subject, out var versions))
                {
                    throw RegistryException.InvalidSchema($"Invalid schema: reference {reference.Name} names subject '{reference.Subject}', which does not exist");
                }
                var record = reference.Version == -1 ? versions.Values.LastOrDefault(v => !v.Deleted) : versions.GetValueOrDefault(reference.Version);
                if (record is null)
                {
                    throw RegistryException.InvalidSchema($"Invalid schema: reference {reference.Name} names version {reference.Version} of '{reference.Subject}', which does not exist");
                }
                if (seen.Add(record.Id))
                {
                    Add(record.References, depth + 1);
                    texts.Add(new NamedSchemaText(reference.Name, record.Schema));
                }
            }
        }
        Add(references, 0);
        return texts;
    }

    private static string CanonicalKey(string? schemaType, string canonical, IReadOnlyList<SchemaReference> references) =>
        (schemaType ?? SchemaTypes.Avro) + "\n" + canonical + "\n" + string.Join(";", references.Select(r => $"{r.Name},{r.Subject},{r.Version}"));

    /// <summary>"latest" and -1 give -1; a number from 1 to 2^31-1 itself; anything else is 42202.</summary>
    public static int ParseVersion(string version)
    {
        if (string.Equals(version, "latest", StringComparison.OrdinalIgnoreCase))
        {
            return -1;
        }
        if (int.TryParse(version, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) && (number >= 1 || number == -1))
        {
            return number;
        }
        throw RegistryException.InvalidVersion(version);
    }
}
