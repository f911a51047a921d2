using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// GetCrawlerMetrics: CrawlerNameList (all when absent; unknown names are left out, as Glue does), MaxResults,
/// NextToken → CrawlerMetricsList [{CrawlerName, TimeLeftSeconds, StillEstimating, LastRuntimeSeconds,
/// MedianRuntimeSeconds, TablesCreated, TablesUpdated, TablesDeleted}] (the table counts are the last crawl's).
/// </summary>
public sealed class GetCrawlerMetrics(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "GetCrawlerMetrics";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var (page, next) = Page(request.Body, Crawlers.Metrics(StringList(request.Body, "CrawlerNameList")), 1000);
        response.WriteStartArray("CrawlerMetricsList");
        foreach (var metrics in page)
        {
            WriteNode(response, null, metrics);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
