using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>ListCrawlers: MaxResults (1–1000), NextToken, Tags (accepted; crawlers carry no tags here) → CrawlerNames, NextToken.</summary>
public sealed class ListCrawlers(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "ListCrawlers";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var (page, next) = Page(request.Body, Crawlers.Names(), 1000);
        response.WriteStartArray("CrawlerNames");
        foreach (var name in page)
        {
            response.WriteStringValue(name);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
