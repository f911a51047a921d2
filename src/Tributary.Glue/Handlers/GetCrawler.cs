using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>GetCrawler: Name → Crawler {…, State, CrawlElapsedTime while running, LastCrawl}; EntityNotFoundException.</summary>
public sealed class GetCrawler(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "GetCrawler";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        WriteNode(response, "Crawler", Crawlers.Get(RequiredName(request.Body, "Name")));
        return ValueTask.CompletedTask;
    }
}
