using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// UpdateCrawlerSchedule: CrawlerName, Schedule (a cron string; empty or absent removes the schedule) → {}. The
/// schedule keeps its state; a crawler without one becomes SCHEDULED. EntityNotFoundException, InvalidInputException
/// for an expression <see cref="CronSchedule"/> refuses (syntax, ranges, more often than every 5 minutes).
/// </summary>
public sealed class UpdateCrawlerSchedule(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "UpdateCrawlerSchedule";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var name = RequiredName(request.Body, "CrawlerName");
        Crawlers.UpdateSchedule(name, request.Body.GetString("Schedule"));
        return ValueTask.CompletedTask;
    }
}
