using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// StartCrawlerSchedule: CrawlerName → {}; the crawler's Schedule.State becomes SCHEDULED and the server runs it at the
/// schedule's times. EntityNotFoundException, NoScheduleException (no schedule), SchedulerRunningException (already SCHEDULED).
/// </summary>
public sealed class StartCrawlerSchedule(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "StartCrawlerSchedule";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        Crawlers.StartSchedule(RequiredName(request.Body, "CrawlerName"));
        return ValueTask.CompletedTask;
    }
}
