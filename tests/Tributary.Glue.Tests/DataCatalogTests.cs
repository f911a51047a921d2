using System.Text;
using System.Text.Json.Nodes;
using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Expressions;

namespace Tributary.Glue.Tests;

public sealed class DataCatalogTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tributary-glue-" + Guid.NewGuid().ToString("N"));

    private string CatalogPath => Path.Combine(_directory, "glue", "catalog.json");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    internal static JsonObject TableInput(string name, string location = "s3://lake/events/") => (JsonObject)JsonNode.Parse($$$"""
        {"Name":"{{{name}}}","TableType":"EXTERNAL_TABLE","Parameters":{"classification":"json"},
         "StorageDescriptor":{"Columns":[{"Name":"Id","Type":"bigint"},{"Name":"kind","Type":"string"}],"Location":"{{{location}}}",
           "InputFormat":"org.apache.hadoop.mapred.TextInputFormat","OutputFormat":"org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
           "SerdeInfo":{"SerializationLibrary":"org.openx.data.jsonserde.JsonSerDe"}},
         "PartitionKeys":[{"Name":"year","Type":"int"},{"Name":"month","Type":"string"}]}
        """)!;

    private static JsonObject Partition(string year, string month) => (JsonObject)JsonNode.Parse($$$"""
        {"Values":["{{{year}}}","{{{month}}}"],"StorageDescriptor":{"Location":"s3://lake/events/year={{{year}}}/month={{{month}}}/"}}
        """)!;

    [Fact]
    public void Everything_survives_a_reopen()
    {
        var catalog = DataCatalog.Open(CatalogPath);
        catalog.CreateDatabase(new JsonObject { ["Name"] = "Lake", ["Description"] = "d" });
        catalog.CreateTable("lake", TableInput("Events"));
        Assert.Empty(catalog.CreatePartitions("lake", "events", [Partition("2024", "01"), Partition("2024", "02"), Partition("2023", "12")]));
        var updated = TableInput("events");
        updated["Description"] = "second";
        catalog.UpdateTable("lake", updated, skipArchive: false, expectedVersionId: "0");

        var reopened = DataCatalog.Open(CatalogPath);
        var table = reopened.GetTable("LAKE", "EVENTS");
        Assert.Equal("events", (string)table["Name"]!);
        Assert.Equal("lake", (string)table["DatabaseName"]!);
        Assert.Equal("1", (string)table["VersionId"]!);
        Assert.Equal("second", (string)table["Description"]!);
        Assert.Equal("id", (string)table["StorageDescriptor"]!["Columns"]![0]!["Name"]!);
        Assert.Equal(["1", "0"], reopened.GetTableVersions("lake", "events").Select(v => v.VersionId));
        Assert.Null(reopened.GetTable("lake", "events", "0")["Description"]);
        Assert.Equal(3, reopened.GetPartitions("lake", "events", null).Count);
        Assert.Equal("d", (string)reopened.GetDatabase("lake")["Description"]!);
    }

    [Fact]
    public void Partitions_are_filtered_by_expression_and_deleted()
    {
        var catalog = DataCatalog.Open(CatalogPath);
        catalog.CreateDatabase(new JsonObject { ["Name"] = "lake" });
        catalog.CreateTable("lake", TableInput("events"));
        catalog.CreatePartitions("lake", "events", [Partition("2024", "01"), Partition("2024", "02"), Partition("2023", "12")]);
        var selected = catalog.GetPartitions("lake", "events", PartitionExpression.Parse("year = 2024 AND month >= '02'"));
        Assert.Equal("s3://lake/events/year=2024/month=02/", (string)Assert.Single(selected)["StorageDescriptor"]!["Location"]!);

        var missing = catalog.DeletePartitions("lake", "events", [["2024", "01"], ["1999", "01"]]);
        Assert.Equal(["1999", "01"], Assert.Single(missing));
        Assert.Equal(2, DataCatalog.Open(CatalogPath).GetPartitions("lake", "events", null).Count);
    }

    [Fact]
    public void Errors_use_glue_types_and_messages()
    {
        var catalog = DataCatalog.Open(CatalogPath);
        var notFound = Assert.Throws<AwsErrorException>(() => catalog.GetDatabase("nope"));
        Assert.Equal(("EntityNotFoundException", "Database nope not found."), (notFound.ErrorType, notFound.Message));
        catalog.CreateDatabase(new JsonObject { ["Name"] = "lake" });
        Assert.Equal("AlreadyExistsException", Assert.Throws<AwsErrorException>(() => catalog.CreateDatabase(new JsonObject { ["Name"] = "LAKE" })).ErrorType);
        Assert.Equal("Table nope not found.", Assert.Throws<AwsErrorException>(() => catalog.GetTable("lake", "nope")).Message);
        catalog.CreateTable("lake", TableInput("events"));
        var errors = catalog.CreatePartitions("lake", "events", [Partition("2024", "01"), Partition("2024", "01"), (JsonObject)JsonNode.Parse("""{"Values":["1"]}""")!]);
        Assert.Equal(["AlreadyExistsException", "InvalidInputException"], errors.Select(e => e.Error.ErrorType));
        Assert.Equal("InvalidInputException", Assert.Throws<AwsErrorException>(() => catalog.DeleteTableVersion("lake", "events", "0")).ErrorType);
    }

    [Fact]
    public void A_file_of_an_unknown_version_is_refused_not_overwritten()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CatalogPath)!);
        File.WriteAllText(CatalogPath, """{"format":"tributary-glue-catalog","version":2,"databases":[]}""");
        Assert.Contains("version 2", Assert.Throws<InvalidDataException>(() => DataCatalog.Open(CatalogPath)).Message, StringComparison.Ordinal);
    }

    /// <summary>Version 1 of the file, as docs/formats/glue-catalog.md describes it: a file written today must read back, and this one must keep reading.</summary>
    [Fact]
    public void Format_version_1_is_frozen()
    {
        const string Version1 = """
            {"format":"tributary-glue-catalog","version":1,"databases":[{"database":{"Name":"lake","CreateTime":1700000000,"CatalogId":"000000000000"},
             "tables":[{"nextVersion":2,"versions":[{"versionId":"0","table":{"Name":"events","DatabaseName":"lake","CreateTime":1700000000,"UpdateTime":1700000000,"VersionId":"0",
               "StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"}],"Location":"s3://lake/events/"},"PartitionKeys":[{"Name":"dt","Type":"string"}]}},
               {"versionId":"1","table":{"Name":"events","DatabaseName":"lake","CreateTime":1700000000,"UpdateTime":1700000100,"VersionId":"1",
               "StorageDescriptor":{"Columns":[{"Name":"id","Type":"bigint"},{"Name":"kind","Type":"string"}],"Location":"s3://lake/events/"},"PartitionKeys":[{"Name":"dt","Type":"string"}]}}],
             "partitions":[{"Values":["2024-01-01"],"DatabaseName":"lake","TableName":"events","CreationTime":1700000200,"StorageDescriptor":{"Location":"s3://lake/events/dt=2024-01-01/"}}]}]}]}
            """;
        Directory.CreateDirectory(Path.GetDirectoryName(CatalogPath)!);
        File.WriteAllText(CatalogPath, Version1);
        var catalog = DataCatalog.Open(CatalogPath);
        var table = catalog.GetTable("lake", "events");
        Assert.Equal("1", (string)table["VersionId"]!);
        Assert.Equal(1700000100, (long)table["UpdateTime"]!);
        Assert.Equal("2024-01-01", (string)Assert.Single(catalog.GetPartitions("lake", "events", PartitionExpression.Parse("dt = '2024-01-01'")))["Values"]![0]!);

        // Rewriting keeps the header and the layout.
        catalog.UpdateDatabase("lake", new JsonObject { ["Name"] = "lake", ["Description"] = "x" });
        var written = JsonNode.Parse(File.ReadAllText(CatalogPath))!;
        Assert.Equal("tributary-glue-catalog", (string)written["format"]!);
        Assert.Equal(1, (int)written["version"]!);
        Assert.Equal(2, (int)written["databases"]![0]!["tables"]![0]!["nextVersion"]!);
        Assert.Equal("0", (string)written["databases"]![0]!["tables"]![0]!["versions"]![0]!["versionId"]!);
        Assert.StartsWith("{\"format\":\"tributary-glue-catalog\",\"version\":1,", Encoding.UTF8.GetString(File.ReadAllBytes(CatalogPath)), StringComparison.Ordinal);
    }
}
