using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// StopCrawlerSchedule: CrawlerName → {}; Schedule.State becomes NOT_SCHEDULED (a crawl under way is not stopped).
/// EntityNotFoundException, SchedulerNotRunningException when the schedule is not SCHEDULED (or there is none).
/// </summary>
public sealed class StopCrawlerSchedule(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "StopCrawlerSchedule";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Crawlers.StopSchedule(RequiredName(request.Body, "CrawlerName"));
        return ValueTask.CompletedTask;
    }
}
