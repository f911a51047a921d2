using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// StartCrawler: Name → {}; the crawl runs in the background (State RUNNING, then READY with LastCrawl).
/// EntityNotFoundException, CrawlerRunningException when a crawl is under way.
/// </summary>
public sealed class StartCrawler(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "StartCrawler";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Crawlers.Start(RequiredName(request.Body, "Name"));
        return ValueTask.CompletedTask;
    }
}
