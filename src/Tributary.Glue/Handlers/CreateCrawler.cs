using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>
/// CreateCrawler: Name, Role, Targets {S3Targets [{Path, Exclusions}]}, DatabaseName, TablePrefix, SchemaChangePolicy,
/// RecrawlPolicy, Schedule, Configuration, … → {}. AlreadyExistsException for a taken name, InvalidInputException for
/// targets or policies this server cannot crawl (<see cref="CrawlerInputs"/>). Role is stored, never assumed.
/// </summary>
public sealed class CreateCrawler(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "CreateCrawler";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var name = RequiredName(request.Body, "Name");
        var crawler = CrawlerInputs.Read(request.Body, name);
        CrawlerInputs.Validate(crawler);
        Crawlers.Create(crawler);
        return ValueTask.CompletedTask;
    }
}
