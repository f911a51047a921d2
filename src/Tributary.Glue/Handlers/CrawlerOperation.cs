using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;

namespace Tributary.Glue.Handlers;

/// <summary>Base of the crawler operations: the catalog and the crawlers.</summary>
public abstract class CrawlerOperation(DataCatalog catalog, CrawlerRegistry crawlers) : GlueOperation(catalog)
{
    protected CrawlerRegistry Crawlers { get; } = crawlers;
}
