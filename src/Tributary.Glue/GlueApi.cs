using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;
using Tributary.Glue.Handlers;

namespace Tributary.Glue;

/// <summary>The Glue Data Catalog service (X-Amz-Target prefix <c>AWSGlue</c>, SigV4 name <c>glue</c>) and its operations.</summary>
public static class GlueApi
{
    public const string TargetPrefix = "AWSGlue";
    public const string SigningName = "glue";

    /// <summary>The service; the crawler operations when <paramref name="crawlers"/> is given.</summary>
    public static AwsService CreateService(DataCatalog catalog, CrawlerRegistry? crawlers = null) => new(TargetPrefix, SigningName,
    [
        new CreateDatabase(catalog),
        new GetDatabase(catalog),
        new GetDatabases(catalog),
        new UpdateDatabase(catalog),
        new DeleteDatabase(catalog),
        new CreateTable(catalog),
        new GetTable(catalog),
        new GetTables(catalog),
        new UpdateTable(catalog),
        new DeleteTable(catalog),
        new GetTableVersions(catalog),
        new GetTableVersion(catalog),
        new DeleteTableVersion(catalog),
        new SearchTables(catalog),
        new CreatePartition(catalog),
        new BatchCreatePartition(catalog),
        new GetPartition(catalog),
        new GetPartitions(catalog),
        new DeletePartition(catalog),
        new BatchDeletePartition(catalog),
        .. crawlers is null ? Array.Empty<IAwsOperation>() :
        [
            new CreateCrawler(catalog, crawlers),
            new GetCrawler(catalog, crawlers),
            new GetCrawlers(catalog, crawlers),
            new UpdateCrawler(catalog, crawlers),
            new DeleteCrawler(catalog, crawlers),
            new StartCrawler(catalog, crawlers),
            new StopCrawler(catalog, crawlers),
            new GetCrawlerMetrics(catalog, crawlers),
            new ListCrawlers(catalog, crawlers),
            new StartCrawlerSchedule(catalog, crawlers),
            new StopCrawlerSchedule(catalog, crawlers),
            new UpdateCrawlerSchedule(catalog, crawlers),
        ],
    ]);
}
