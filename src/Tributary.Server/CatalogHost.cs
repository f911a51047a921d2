using Microsoft.Extensions.Logging;
using Tributary.Athena;
using Tributary.Athena.Engine;
using Tributary.Athena.Queries;
using Tributary.Aws;
using Tributary.Glue;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;
using Tributary.ObjectStores;

namespace Tributary.Server;

/// <summary>
/// Wires the data lake end: the Glue Data Catalog (<c>&lt;data dir&gt;/glue/catalog.json</c>) and Athena's query
/// executions over it, reading objects from the delivery streams' object store (S3 objects cached under
/// <c>&lt;data dir&gt;/athena/cache</c>), and the Glue crawlers over the same store (<c>&lt;data dir&gt;/glue/crawlers.json</c>,
/// S3 objects cached under <c>&lt;data dir&gt;/glue/cache</c>), with both APIs for the AWS endpoints. Disposing cancels
/// running queries and crawls.
/// </summary>
public sealed class CatalogHost : IAsyncDisposable
{
    private CatalogHost(DataCatalog catalog, QueryExecutions executions, CrawlerRegistry crawlers, IReadOnlyList<AwsService> services)
    {
        Catalog = catalog;
        Executions = executions;
        Crawlers = crawlers;
        Services = services;
    }

    public DataCatalog Catalog { get; }

    /// <summary>Athena's query executions (the web console's query editor runs its queries here too).</summary>
    public QueryExecutions Executions { get; }

    public CrawlerRegistry Crawlers { get; }

    /// <summary>The Glue and Athena services for the AWS endpoints.</summary>
    public IReadOnlyList<AwsService> Services { get; }

    /// <summary>Opens the catalog file and migrates the table definition files of earlier releases into it.</summary>
    public static DataCatalog OpenCatalog(TributaryOptions options)
    {
        var catalog = DataCatalog.Open(Path.Combine(options.DataDirectory, "glue", "catalog.json"), options.Firehose.AccountId);
        TableDefinitionMigration.Run(catalog, options.Delivery.TablesDirectory);
        return catalog;
    }

    public static CatalogHost Open(TributaryOptions options, IObjectStore store, DataCatalog catalog, ILoggerFactory loggerFactory)
    {
        var files = new ObjectFiles(store, Path.Combine(options.DataDirectory, "athena", "cache"));
        var executions = new QueryExecutions(new QueryEngine(catalog, files), store, loggerFactory.CreateLogger<QueryExecutions>());
        var athena = new AthenaOptions();
        var crawlers = CrawlerRegistry.Open(Path.Combine(options.DataDirectory, "glue", "crawlers.json"), catalog, store,
            Path.Combine(options.DataDirectory, "glue", "cache"), loggerFactory.CreateLogger<CrawlerRegistry>());
        return new CatalogHost(catalog, executions, crawlers, [GlueApi.CreateService(catalog, crawlers), AthenaApi.CreateService(executions, athena)]);
    }

    public async ValueTask DisposeAsync()
    {
        await Crawlers.DisposeAsync().ConfigureAwait(false);
        await Executions.DisposeAsync().ConfigureAwait(false);
    }
}
