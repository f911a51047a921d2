using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>DeleteCrawler: Name → {}; the tables it made stay. EntityNotFoundException, CrawlerRunningException while it runs.</summary>
public sealed class DeleteCrawler(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "DeleteCrawler";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Crawlers.Delete(RequiredName(request.Body, "Name"));
        return ValueTask.CompletedTask;
    }
}
