using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// StopCrawler: Name → {}; the crawl stops at its next table (State STOPPING, then READY with LastCrawl CANCELLED).
/// EntityNotFoundException, CrawlerNotRunningException when none runs, CrawlerStoppingException when already stopping.
/// </summary>
public sealed class StopCrawler(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "StopCrawler";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Crawlers.Stop(RequiredName(request.Body, "Name"));
        return ValueTask.CompletedTask;
    }
}
