using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// UpdateCrawler: Name and the members to change (as CreateCrawler) → {}; the others stay. EntityNotFoundException,
/// CrawlerRunningException while it runs, InvalidInputException for a definition CreateCrawler would refuse.
/// </summary>
public sealed class UpdateCrawler(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "UpdateCrawler";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var name = RequiredName(request.Body, "Name");
        var changes = CrawlerInputs.Read(request.Body, name);
        Crawlers.Update(name, changes, CrawlerInputs.Validate);
        return ValueTask.CompletedTask;
    }
}
