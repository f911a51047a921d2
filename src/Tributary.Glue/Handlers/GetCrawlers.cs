using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>GetCrawlers: MaxResults (1–1000), NextToken → Crawlers in name order, NextToken.</summary>
public sealed class GetCrawlers(DataCatalog catalog, CrawlerRegistry crawlers) : CrawlerOperation(catalog, crawlers)
{
    public override string Name => "GetCrawlers";

    public override ValueTask ExecuteAsync(AwsRequest request, AwsResponseWriter response)
    {
        var (page, next) = Page(request.Body, Crawlers.List(), 1000);
        response.WriteStartArray("Crawlers");
        foreach (var crawler in page)
        {
            WriteNode(response, null, crawler);
        }
        response.WriteEndArray();
        if (next is not null)
        {
            response.WriteString("NextToken", next);
        }
        return ValueTask.CompletedTask;
    }
}
