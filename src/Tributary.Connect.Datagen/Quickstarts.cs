namespace Tributary.Connect.Datagen;

/// <summary>
/// The <c>quickstart</c> values this connector carries: each an Avro schema with generation hints and the field that
/// keys its records (unless <c>schema.keyfield</c> says otherwise). Field names and types are those of datagen's
/// published quickstart schemas; the hints (ranges, option lists, patterns) are written here to give values of the same
/// kind. Only quickstarts whose published schemas we could check are here; datagen's other names are refused by
/// validation like any unknown name.
/// </summary>
public static class Quickstarts
{
    public sealed record Quickstart(string Name, string KeyField, string Schema);

    public static IReadOnlyDictionary<string, Quickstart> All { get; } = new[]
    {
        new Quickstart("users", "userid", """
            {"type":"record","namespace":"ksql","name":"users","fields":[
              {"name":"registertime","type":{"type":"long","arg.properties":{"range":{"min":1487715775521,"max":1519273364600}}}},
              {"name":"userid","type":{"type":"string","arg.properties":{"regex":"User_[1-9]"}}},
              {"name":"regionid","type":{"type":"string","arg.properties":{"regex":"Region_[1-9]"}}},
              {"name":"gender","type":{"type":"string","arg.properties":{"options":["MALE","FEMALE","OTHER"]}}}]}
            """),
        new Quickstart("pageviews", "viewtime", """
            {"type":"record","namespace":"ksql","name":"pageviews","fields":[
              {"name":"viewtime","type":{"type":"long","arg.properties":{"iteration":{"start":1,"step":10}}}},
              {"name":"userid","type":{"type":"string","arg.properties":{"regex":"User_[1-9]"}}},
              {"name":"pageid","type":{"type":"string","arg.properties":{"regex":"Page_[1-9][0-9]?"}}}]}
            """),
        new Quickstart("orders", "orderid", """
            {"type":"record","namespace":"ksql","name":"orders","fields":[
              {"name":"ordertime","type":{"type":"long","arg.properties":{"range":{"min":1487715775521,"max":1519273364600}}}},
              {"name":"orderid","type":{"type":"int","arg.properties":{"iteration":{"start":0}}}},
              {"name":"itemid","type":{"type":"string","arg.properties":{"regex":"Item_[1-9][0-9]{0,2}"}}},
              {"name":"orderunits","type":{"type":"double","arg.properties":{"range":{"min":0.1,"max":10.0}}}},
              {"name":"address","type":{"type":"record","name":"address","fields":[
                {"name":"city","type":{"type":"string","arg.properties":{"regex":"City_[1-9]{1,2}"}}},
                {"name":"state","type":{"type":"string","arg.properties":{"regex":"State_[1-9]{1,2}"}}},
                {"name":"zipcode","type":{"type":"long","arg.properties":{"range":{"min":10000,"max":100000}}}}]}}]}
            """),
        new Quickstart("stock_trades", "symbol", """
            {"type":"record","namespace":"ksql","name":"StockTrade","fields":[
              {"name":"side","type":{"type":"string","arg.properties":{"options":["BUY","SELL"]}}},
              {"name":"quantity","type":{"type":"int","arg.properties":{"range":{"min":1,"max":5000}}}},
              {"name":"symbol","type":{"type":"string","arg.properties":{"regex":"Z[A-Z]{2,4}"}}},
              {"name":"price","type":{"type":"int","arg.properties":{"range":{"min":5,"max":1000}}}},
              {"name":"account","type":{"type":"string","arg.properties":{"regex":"[A-Z]{3}[0-9]{3}"}}},
              {"name":"userid","type":{"type":"string","arg.properties":{"regex":"User_[1-9]"}}}]}
            """),
        new Quickstart("purchases", "id", """
            {"type":"record","namespace":"ksql","name":"purchase","fields":[
              {"name":"id","type":{"type":"long","arg.properties":{"iteration":{"start":0}}}},
              {"name":"quantity","type":{"type":"long","arg.properties":{"range":{"min":1,"max":21}}}},
              {"name":"productid","type":{"type":"long","arg.properties":{"iteration":{"start":0}}}},
              {"name":"total","type":{"type":"long","arg.properties":{"range":{"min":5,"max":501}}}}]}
            """),
        new Quickstart("transactions", "transaction_id", """
            {"type":"record","namespace":"datagen.example","name":"transactions","fields":[
              {"name":"transaction_id","type":{"type":"long","arg.properties":{"iteration":{"start":1}}}},
              {"name":"card_id","type":{"type":"long","arg.properties":{"range":{"min":1,"max":25}}}},
              {"name":"user_id","type":{"type":"string","arg.properties":{"regex":"User_[1-9]"}}},
              {"name":"purchase_id","type":{"type":"long","arg.properties":{"iteration":{"start":0}}}},
              {"name":"store_id","type":{"type":"int","arg.properties":{"range":{"min":1,"max":8}}}}]}
            """),
        new Quickstart("inventory", "id", """
            {"type":"record","namespace":"ksql","name":"inventory","fields":[
              {"name":"id","type":{"type":"long","arg.properties":{"iteration":{"start":0}}}},
              {"name":"quantity","type":{"type":"int","arg.properties":{"range":{"min":-100,"max":101}}}},
              {"name":"productid","type":{"type":"long","arg.properties":{"range":{"min":1,"max":17}}}}]}
            """),
        new Quickstart("product", "id", """
            {"type":"record","namespace":"ksql","name":"product","fields":[
              {"name":"id","type":{"type":"long","arg.properties":{"iteration":{"start":0}}}},
              {"name":"name","type":{"type":"string","arg.properties":{"options":["lamp","kettle","bicycle","notebook","backpack","umbrella","teapot","mirror"]}}},
              {"name":"description","type":{"type":"string","arg.properties":{"iteration":{"start":0}}}},
              {"name":"price","type":{"type":"long","arg.properties":{"range":{"min":2,"max":21}}}}]}
            """),
    }.ToDictionary(q => q.Name, StringComparer.Ordinal);
}
