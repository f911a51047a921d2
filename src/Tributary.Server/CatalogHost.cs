using Tributary.Aws;
using Tributary.Glue;
using Tributary.Glue.Catalog;
using Tributary.ObjectStores;

namespace Tributary.Server;

/// <summary>
/// Wires the data lake end: the Glue Data Catalog (<c>&lt;data dir&gt;/glue/catalog.json</c>) and its API on the AWS
/// endpoints. Disposing releases nothing the catalog holds (every change is already on disk).
/// </summary>
public sealed class CatalogHost : IAsyncDisposable
{
    private CatalogHost(DataCatalog catalog, IReadOnlyList<AwsService> services)
    {
        Catalog = catalog;
        Services = services;
    }

    public DataCatalog Catalog { get; }

    /// <summary>The Glue service for the AWS endpoints.</summary>
    public IReadOnlyList<AwsService> Services { get; }

    public static CatalogHost Open(TributaryOptions options, IObjectStore store)
    {
        _ = store;
        var catalog = DataCatalog.Open(Path.Combine(options.DataDirectory, "glue", "catalog.json"), options.Firehose.AccountId);
        return new CatalogHost(catalog, [GlueApi.CreateService(catalog)]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
