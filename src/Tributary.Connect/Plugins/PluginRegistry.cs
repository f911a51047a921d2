using System.Reflection;
using System.Runtime.Loader;
using Tributary.Connect.Plugins;
using Tributary.Connect.Sink;
using Tributary.Connect.Source;
using Tributary.Connect.Storage;
using Tributary.Connect.Transforms;

namespace Tributary.Connect.Runtime.Plugins;

/// <summary>A discovered plugin: its Java class name, the .NET type behind it, kind and version.</summary>
public sealed record PluginDescriptor(string ClassName, Type Type, PluginType Kind, string Version)
{
    /// <summary>The REST <c>type</c> value (source, sink, converter, header_converter, transformation, predicate).</summary>
    public string TypeName => Kind switch
    {
        PluginType.Source => "source",
        PluginType.Sink => "sink",
        PluginType.Converter => "converter",
        PluginType.HeaderConverter => "header_converter",
        PluginType.Transformation => "transformation",
        _ => "predicate",
    };
}

/// <summary>
/// Finds Connect plugins — classes carrying <see cref="ConnectPluginAttribute"/> — in the built-in assemblies the host
/// hands over and in .NET assemblies under <c>plugin.path</c> (each directory in its own load context, sharing only
/// the connector API with the worker, as Kafka isolates plugin class loaders). Resolves a configured class by its
/// Java name or an alias: the simple name, and the simple name without its Connector/Converter/Transformation suffix
/// when no two plugins share it (Kafka's rule). Immutable after construction; thread-safe.
/// </summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<(string Name, PluginType Kind), PluginDescriptor> _byName = [];
    private readonly List<PluginDescriptor> _all = [];

    public PluginRegistry(IEnumerable<Assembly> builtIn, IEnumerable<string> pluginPaths, Action<string>? warn = null)
    {
        foreach (var assembly in builtIn)
        {
            Scan(assembly);
        }
        foreach (var path in pluginPaths)
        {
            foreach (var assembly in LoadPluginDirectory(path.Trim(), warn))
            {
                Scan(assembly);
            }
        }
        AddAliases();
    }

    public IReadOnlyList<PluginDescriptor> All => _all;

    /// <summary>The plugin of this kind named <paramref name="name"/> (class name or alias), or null.</summary>
    public PluginDescriptor? Find(string name, params PluginType[] kinds)
    {
        foreach (var kind in kinds)
        {
            if (_byName.TryGetValue((name.Trim(), kind), out var found))
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>A connector (source or sink) by class name or alias.</summary>
    public PluginDescriptor? FindConnector(string name) => Find(name, PluginType.Source, PluginType.Sink);

    /// <summary>A new instance of a plugin's type.</summary>
    public static T Create<T>(PluginDescriptor plugin) =>
        (T)(Activator.CreateInstance(plugin.Type) ?? throw new InvalidOperationException($"Cannot instantiate {plugin.ClassName}"));

    private void Scan(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = [.. e.Types.Where(t => t is not null)!];
        }
        foreach (var type in types)
        {
            if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }
            foreach (var attribute in type.GetCustomAttributes<ConnectPluginAttribute>(inherit: false))
            {
                foreach (var kind in KindsOf(type))
                {
                    var descriptor = new PluginDescriptor(attribute.ClassName, type, kind, VersionOf(type));
                    if (_byName.TryAdd((attribute.ClassName, kind), descriptor))
                    {
                        _all.Add(descriptor);
                    }
                    foreach (var alias in attribute.Aliases)
                    {
                        _byName.TryAdd((alias, kind), descriptor);
                    }
                }
            }
        }
    }

    private void AddAliases()
    {
        var candidates = new Dictionary<(string, PluginType), List<PluginDescriptor>>();
        foreach (var plugin in _all)
        {
            var simple = plugin.ClassName[(plugin.ClassName.LastIndexOf('.') + 1)..];
            foreach (var alias in new[] { simple, Pruned(simple, plugin.Kind) }.Distinct())
            {
                if (alias.Length == 0)
                {
                    continue;
                }
                if (!candidates.TryGetValue((alias, plugin.Kind), out var list))
                {
                    candidates[(alias, plugin.Kind)] = list = [];
                }
                list.Add(plugin);
            }
        }
        foreach (var (key, list) in candidates)
        {
            if (list.Count == 1)
            {
                _byName.TryAdd(key, list[0]);
            }
        }
    }

    private static string Pruned(string simple, PluginType kind)
    {
        var suffix = kind switch
        {
            PluginType.Source or PluginType.Sink => "Connector",
            PluginType.Converter or PluginType.HeaderConverter => "Converter",
            PluginType.Transformation => "Transformation",
            _ => "Predicate",
        };
        return simple.EndsWith(suffix, StringComparison.Ordinal) && simple.Length > suffix.Length ? simple[..^suffix.Length] : simple;
    }

    private static IEnumerable<PluginType> KindsOf(Type type)
    {
        if (typeof(SourceConnector).IsAssignableFrom(type))
        {
            yield return PluginType.Source;
        }
        if (typeof(SinkConnector).IsAssignableFrom(type))
        {
            yield return PluginType.Sink;
        }
        if (typeof(IConverter).IsAssignableFrom(type))
        {
            yield return PluginType.Converter;
        }
        if (typeof(IHeaderConverter).IsAssignableFrom(type))
        {
            yield return PluginType.HeaderConverter;
        }
        if (typeof(ITransformation).IsAssignableFrom(type))
        {
            yield return PluginType.Transformation;
        }
        if (typeof(IPredicate).IsAssignableFrom(type))
        {
            yield return PluginType.Predicate;
        }
    }

    private static string VersionOf(Type type)
    {
        if (typeof(IVersioned).IsAssignableFrom(type))
        {
            try
            {
                return ((IVersioned)Activator.CreateInstance(type)!).Version;
            }
            catch (Exception e) when (e is TargetInvocationException or MissingMethodException or InvalidCastException)
            {
                return "undefined";
            }
        }
        return type.Assembly.GetName().Version?.ToString(3) ?? "undefined";
    }

    /// <summary>
    /// Loads every assembly of a plugin.path entry: a directory's own *.dll files and those of each subdirectory,
    /// one load context per plugin directory (dependencies resolve inside it; the connector API from the worker).
    /// </summary>
    private static IEnumerable<Assembly> LoadPluginDirectory(string path, Action<string>? warn)
    {
        if (path.Length == 0 || !Directory.Exists(path))
        {
            warn?.Invoke($"plugin.path entry {path} is not a directory; skipped");
            yield break;
        }
        var directories = new List<string> { path };
        directories.AddRange(Directory.GetDirectories(path));
        foreach (var directory in directories)
        {
            var dlls = Directory.GetFiles(directory, "*.dll");
            if (dlls.Length == 0)
            {
                continue;
            }
            var context = new PluginLoadContext(directory);
            foreach (var dll in dlls)
            {
                Assembly? assembly = null;
                try
                {
                    var name = AssemblyName.GetAssemblyName(dll);
                    if (IsShared(name))
                    {
                        continue;
                    }
                    assembly = context.LoadFromAssemblyPath(Path.GetFullPath(dll));
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
                {
                    warn?.Invoke($"cannot load plugin assembly {dll}: {e.Message}");
                }
                if (assembly is not null)
                {
                    yield return assembly;
                }
            }
        }
    }

    private static bool IsShared(AssemblyName name) =>
        name.Name is "Tributary.Connect.Api" or "Tributary.Connect.Converters" or "Tributary.Connect.Transforms";

    /// <summary>A plugin directory's load context: the connector API and the framework from the worker, the rest from the directory.</summary>
    private sealed class PluginLoadContext(string directory) : AssemblyLoadContext($"connect-plugin:{directory}", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (IsShared(assemblyName))
            {
                return null;
            }
            var candidate = Path.Combine(directory, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(Path.GetFullPath(candidate)) : null;
        }
    }
}
