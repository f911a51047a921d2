using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Handlers;

namespace Tributary.Glue;

/// <summary>The Glue Data Catalog service (X-Amz-Target prefix <c>AWSGlue</c>, SigV4 name <c>glue</c>) and its operations.</summary>
public static class GlueApi
{
    public const string TargetPrefix = "AWSGlue";
    public const string SigningName = "glue";

    public static AwsService CreateService(DataCatalog catalog) => new(TargetPrefix, SigningName,
    [
        new CreateDatabase(catalog),
        new GetDatabase(catalog),
        new GetDatabases(catalog),
        new UpdateDatabase(catalog),
        new DeleteDatabase(catalog),
        new CreateTable(catalog),
        new GetTable(catalog),
        new GetTables(catalog),
        new UpdateTable(catalog),
        new DeleteTable(catalog),
        new GetTableVersions(catalog),
        new GetTableVersion(catalog),
        new DeleteTableVersion(catalog),
        new SearchTables(catalog),
        new CreatePartition(catalog),
        new BatchCreatePartition(catalog),
        new GetPartition(catalog),
        new GetPartitions(catalog),
        new DeletePartition(catalog),
        new BatchDeletePartition(catalog),
    ]);
}
