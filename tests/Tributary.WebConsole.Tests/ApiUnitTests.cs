using Tributary.WebConsole.Api;
using Tributary.WebConsole.Assets;

namespace Tributary.WebConsole.Tests;

/// <summary>The API's pure parts: paging bounds, and splitting an AWS validation message into field messages.</summary>
public sealed class ApiUnitTests
{
    [Fact]
    public void A_page_past_the_end_is_empty_and_keeps_the_total()
    {
        var items = Enumerable.Range(0, 120).ToList();
        var page = new Paging(100, 50, null).Apply(items);
        Assert.Equal(120, page.Total);
        Assert.Equal(Enumerable.Range(100, 20), page.Items);
        Assert.Empty(new Paging(500, 50, null).Apply(items).Items);
    }

    [Fact]
    public void Search_matches_names_case_insensitively_and_an_empty_search_matches_all()
    {
        Assert.True(new Paging(0, 10, "ORD").Matches("orders"));
        Assert.False(new Paging(0, 10, "pay").Matches("orders"));
        Assert.True(new Paging(0, 10, null).Matches("anything"));
    }

    [Fact]
    public void Each_member_error_of_a_validation_message_goes_to_its_field_path()
    {
        const string message = "2 validation errors detected: Value 'not; an arn' at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}; "
            + "Value '500' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128";
        var fields = DeliveryStreamsApi.FieldErrors(message);
        Assert.Equal(2, fields.Count);
        Assert.Equal(new FieldError("extendedS3DestinationConfiguration.bucketARN", "Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}"), fields[0]);
        Assert.Equal(new FieldError("extendedS3DestinationConfiguration.bufferingHints.sizeInMBs", "Member must have value less than or equal to 128"), fields[1]);
        Assert.Empty(DeliveryStreamsApi.FieldErrors("KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource."));
    }

    [Fact]
    public void The_pages_are_embedded_under_their_paths()
    {
        var names = StaticAssets.Names.ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[] { "index.html", "app.css", "js/app.js", "js/api.js", "js/pages/topics.js", "js/pages/delivery-stream-form.js", "js/pages/connector-form.js", "js/pages/generator.js", "js/pages/catalog.js", "js/pages/query.js" })
        {
            Assert.Contains(expected, names);
        }
    }

    [Fact]
    public void A_validation_answer_becomes_keys_in_their_groups_order_with_their_errors()
    {
        // The shape of Connect's PUT /connector-plugins/{class}/config/validate answer (Kafka's ConfigInfos).
        using var answer = System.Text.Json.JsonDocument.Parse("""
            {"name":"FileStreamSourceConnector","error_count":1,"groups":["Common","Transforms"],"configs":[
              {"definition":{"name":"batch.size","type":"INT","required":false,"default_value":"2000","importance":"LOW","documentation":"Records per poll","group":null,"order":-1,"display_name":"batch.size"},
               "value":{"name":"batch.size","value":"many","recommended_values":[],"errors":["Invalid value many for configuration batch.size: Not a number of type INT"],"visible":true}},
              {"definition":{"name":"tasks.max","type":"INT","required":false,"default_value":"1","importance":"HIGH","documentation":"Maximum tasks","group":"Common","order":3,"display_name":"Tasks max"},
               "value":{"name":"tasks.max","value":"1","recommended_values":[],"errors":[],"visible":true}},
              {"definition":{"name":"name","type":"STRING","required":true,"default_value":null,"importance":"HIGH","documentation":"Name","group":"Common","order":1,"display_name":"Connector name"},
               "value":{"name":"name","value":null,"recommended_values":[],"errors":[],"visible":false}}]}
            """);
        var view = ConnectorsApi.Validation(answer.RootElement);
        Assert.Equal(1, view.ErrorCount);
        Assert.Equal(["Common", "Transforms", "Other"], view.Groups);
        Assert.Equal(["name", "tasks.max", "batch.size"], view.Configs.Select(c => c.Name));
        Assert.Equal("Connector name", view.Configs[0].DisplayName);
        Assert.True(view.Configs[0].Required);
        Assert.False(view.Configs[0].Visible);
        Assert.Equal("Other", view.Configs[2].Group);
        Assert.Equal("2000", view.Configs[2].Default);
        Assert.Equal(["Invalid value many for configuration batch.size: Not a number of type INT"], view.Configs[2].Errors);
    }
}
