using System.Globalization;
using System.Text;
using Tributary.Connect.Data;
using Tributary.Connect.Datagen;
using Tributary.Connect.Datagen.Avro;

namespace Tributary.Generator.Tests;

/// <summary>
/// Every quickstart against datagen's published facts, in-process: the Connect schema of a generated record (struct
/// names, field names in order, Connect types with logical types, nesting) and the field its key comes from. The table
/// is written from datagen's <c>Quickstart</c> enum and schema files (docs/generator.md says which file each row rests
/// on), not from Quickstarts.cs, so a schema that drifts from datagen's fails here.
/// </summary>
public sealed class DatagenQuickstartTests
{
    /// <summary>
    /// Quickstart, key field, schema: <c>name{field:type …}</c> for a struct (the Avro full name), <c>array&lt;T&gt;</c>,
    /// <c>map&lt;K,V&gt;</c>, <c>int64@Timestamp</c> for a logical type, <c>?</c> after an optional one.
    /// </summary>
    public static TheoryData<string, string, string> Facts() => new()
    {
        { "clickstream_codes", "code", "clickstream.codes{code:int32 definition:string}" },
        { "clickstream", "ip", "clickstream.events{ip:string userid:int32 remote_user:string time:string _time:int64 request:string status:string bytes:string referrer:string agent:string}" },
        { "orders", "orderid", "ksql.orders{ordertime:int64 orderid:int32 itemid:string orderunits:float64 address:ksql.address{city:string state:string zipcode:int64}}" },
        { "users", "userid", "ksql.users{registertime:int64 userid:string regionid:string gender:string}" },
        { "users_", "userid", "ksql.users{registertime:int64 userid:string regionid:string gender:string interests:array<string> contactinfo:map<string,string>}" },
        { "pageviews", "viewtime", "ksql.pageviews{viewtime:int64 userid:string pageid:string}" },
        { "stock_trades", "symbol", "ksql.StockTrade{side:string quantity:int32 symbol:string price:int32 account:string userid:string}" },
        { "inventory", "id", "ksql.inventory{id:int64 quantity:int32 productid:int64}" },
        { "product", "id", "ksql.product{id:int64 name:string description:string price:int64}" },
        { "purchases", "id", "ksql.purchase{id:int64 quantity:int64 productid:int64 total:int64}" },
        { "transactions", "transaction_id", "datagen.example.transactions{transaction_id:int64 card_id:int64 user_id:string purchase_id:int64 store_id:int32}" },
        { "stores", "store_id", "datagen.example.stores{store_id:int32 city:string country:string}" },
        { "credit_cards", "card_id", "datagen.example.users{card_id:int32 card_number:int64 cvv:int32 expiration_date:string}" },
        { "campaign_finance", "candidate_id", "datagen.campaign_finance{registertime:int64 candidate_id:string regionid:string gender:string}" },
        { "fleet_mgmt_description", "vehicle_id", "fleet_mgmt.fleet_mgmt_description{vehicle_id:int32 driver_name:string license_plate:string}" },
        { "fleet_mgmt_location", "vehicle_id", "fleet_mgmt.fleet_mgmt_location{vehicle_id:int32 latitude:float64 longitude:float64 ts:int64@Timestamp}" },
        { "fleet_mgmt_sensors", "vehicle_id", "fleet_mgmt.fleet_mgmt_sensors{vehicle_id:int32 engine_temperature:int32 average_rpm:int32}" },
        { "pizza_orders", "store_id", "pizza_orders.pizza_orders{store_id:int32 store_order_id:int32 coupon_code:int32 date:int32@Date status:string order_lines:array<pizza_orders.order_line{product_id:int32 category:string quantity:int32 unit_price:float64 net_price:float64}>}" },
        { "pizza_orders_completed", "store_id", "pizza_orders.pizza_orders_completed{store_id:int32 store_order_id:int32 date:int32@Date status:string rack_time_secs:int32 order_delivery_time_secs:int32}" },
        { "pizza_orders_cancelled", "store_id", "pizza_orders.pizza_orders_cancelled{store_id:int32 store_order_id:int32 date:int32@Date status:string}" },
        { "insurance_customer_activity", "activity_id", "insurance.insurance_customer_activity{activity_id:int32 customer_id:int32 activity_type:string propensity_to_churn:float64 ip_address:string}" },
        { "gaming_games", "id", "gaming.gaming_games{id:int32 room_name:string created_date:int64@Timestamp}" },
        { "gaming_player_activity", "player_id", "gaming.gaming_player_activity{player_id:int32 game_room_id:int32 points:int32 coordinates:string}" },
        { "payroll_employee", "employee_id", "payroll.payroll_employee{employee_id:int32 first_name:string last_name:string age:int32 ssn:string hourly_rate:int32 gender:string email:string}" },
        { "payroll_employee_location", "employee_id", "payroll.payroll_employee_location{employee_id:int32 lab:string department_id:int32 timestamp:int32@Date}" },
        { "payroll_bonus", "employee_id", "payroll.payroll_bonus{employee_id:int32 bonus:int32 ts:int64@Timestamp}" },
        { "syslog_logs", "host", "syslogs.syslog_logs{name:string type:string message:string host:string version:string tag:string level:int32 facility:string severity:int32 appName:string remoteAddress:string rawMessage:string processId:string messageId:string deviceVendor:string deviceProduct:string deviceVersion:string timestamp:int64}" },
        { "device_information", "device_ip", "io.datagen.example.device{device_ip:string mac_address:string owner:string}" },
        { "shoes", "product_id", "shoes.shoe_product{product_id:string product_name:string sale_price:int32 product_rating:float64}" },
        { "shoe_customers", "id", "shoes.shoe_customers{id:string first_name:string last_name:string email:string phone:string street_address:string state:string zip_code:string country:string country_code:string}" },
        { "shoe_orders", "order_id", "shoes.shoe_orders{order_id:int32 product_id:string customer_id:string purchase_timestamp:int64@Timestamp}" },
        { "shoe_clickstream", "product_id", "shoes.shoe_clickstream{product_id:string user_id:string view_time:int32 page_url:string ip:string}" },
    };

    [Fact]
    public void The_table_covers_every_quickstart_carried()
    {
        var names = Facts().Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        Assert.Equal(names, Quickstarts.All.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public async Task A_generated_record_has_datagens_schema_and_key(string quickstart, string keyField, string expected)
    {
        var task = new DatagenTask();
        await task.StartAsync(new Dictionary<string, string>
        {
            ["kafka.topic"] = "t",
            ["quickstart"] = quickstart,
            ["max.interval"] = "0",
            ["random.seed"] = "11",
            [DatagenConnector.TaskIdConfig] = "0",
        }, CancellationToken.None);
        for (var i = 0; i < 50; i++)
        {
            var record = Assert.Single((await task.PollAsync(CancellationToken.None))!);
            var value = Assert.IsType<Struct>(record.Value);
            Assert.Equal(expected, Describe(record.ValueSchema!));
            value.Validate();
            // The key: the key field's value, with that field's schema.
            Assert.Same(record.ValueSchema!.Field(keyField)!.Schema, record.KeySchema);
            Assert.Equal(value.Get(keyField), record.Key);
            Assert.NotNull(record.Key);
        }
        await task.StopAsync();
    }

    private static string Describe(Schema schema)
    {
        var text = new StringBuilder();
        switch (schema.Type)
        {
            case SchemaType.Struct:
                text.Append(schema.Name).Append('{').AppendJoin(' ', schema.Fields.Select(f => f.Name + ":" + Describe(f.Schema))).Append('}');
                break;
            case SchemaType.Array:
                text.Append("array<").Append(Describe(schema.ValueSchema)).Append('>');
                break;
            case SchemaType.Map:
                text.Append("map<").Append(Describe(schema.KeySchema)).Append(',').Append(Describe(schema.ValueSchema)).Append('>');
                break;
            default:
                text.Append(schema.Type.ToString().ToLowerInvariant());
                if (schema.Name is { } logical)
                {
                    text.Append('@').Append(logical[(logical.LastIndexOf('.') + 1)..]);
                }
                break;
        }
        return schema.IsOptional ? text.Append('?').ToString() : text.ToString();
    }

    [Fact]
    public void Options_pick_whole_records_arrays_and_maps_and_logical_types_carry_connect_values()
    {
        var schema = GenerationSchema.Parse("""
            {"type":"record","name":"r","namespace":"t","fields":[
              {"name":"tags","type":{"type":"array","items":"string","arg.properties":{"options":[["a","b"],["c"]]}}},
              {"name":"attrs","type":{"type":"map","values":"int","arg.properties":{"options":[{"x":1},{"y":2,"z":3}]}}},
              {"name":"line","type":{"type":"record","name":"line","fields":[{"name":"n","type":"int"},{"name":"note","type":["null","string"]}],
                "arg.properties":{"options":[{"n":1,"note":"one"},{"n":2}]}}},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-millis","arg.properties":{"iteration":{"start":86400000,"step":1000}}}},
              {"name":"day","type":{"type":"int","logicalType":"date","arg.properties":{"range":{"min":3,"max":4}}}},
              {"name":"clock","type":["null",{"type":"int","logicalType":"time-millis","arg.properties":{"range":{"min":60000,"max":60001}}}]},
              {"name":"uuid","type":{"type":"string","logicalType":"uuid","arg.properties":{"regex":"[0-9a-f]{8}"}}}]}
            """);
        Assert.Equal("t.r{tags:array<string> attrs:map<string,int32> line:t.line{n:int32 note:string?} at:int64@Timestamp day:int32@Date clock:int32@Time? uuid:string}",
            Describe(schema.ConnectSchema));
        var random = new Random(4);
        var values = Enumerable.Range(0, 200).Select(_ => (Struct)schema.Next(random)!).ToList();
        values.ForEach(v => v.Validate());
        Assert.Equal(["a,b", "c"], values.Select(v => string.Join(',', (IEnumerable<object?>)v.Get("tags")!)).Distinct().Order());
        Assert.Equal(["x=1", "y=2,z=3"], values.Select(v => string.Join(',', ((IDictionary<object, object?>)v.Get("attrs")!).Select(e => $"{e.Key}={e.Value}"))).Distinct().Order());
        Assert.Equal(["1:one", "2:"], values.Select(v => (Struct)v.Get("line")!).Select(l => $"{l.Get("n")}:{l.Get("note")}").Distinct().Order());
        Assert.Equal(DateTime.UnixEpoch.AddDays(1), values[0].Get("at"));
        Assert.Equal(DateTime.UnixEpoch.AddDays(1).AddSeconds(199), values[199].Get("at"));
        Assert.All(values, v => Assert.Equal(DateTime.UnixEpoch.AddDays(3), v.Get("day")));
        Assert.Contains(values, v => Equals(v.Get("clock"), DateTime.UnixEpoch.AddMinutes(1)));
        Assert.Contains(values, v => v.Get("clock") is null);
        Assert.All(values, v => Assert.Matches("^[0-9a-f]{8}$", (string)v.Get("uuid")!));
    }

    [Theory]
    [InlineData("""{"type":"record","name":"r","fields":[{"name":"a","type":"int"}],"arg.properties":{"options":[{"a":"x"}]}}""", "option 1.a")]
    [InlineData("""{"type":"record","name":"r","fields":[{"name":"a","type":"int"}],"arg.properties":{"options":[{"a":1},{"b":2}]}}""", "option 2: r has no field 'b'")]
    [InlineData("""{"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}],"arg.properties":{"options":[{"a":1}]}}""", "option 1 lacks the field 'b'")]
    [InlineData("""{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"array","items":"long","arg.properties":{"options":[[1],{"x":2}]}}}]}""", "field 'a': option 2 is not an array")]
    [InlineData("""{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"map","values":"long","arg.properties":{"options":[]}}}]}""", "field 'a': \"options\" must be a non-empty array")]
    public void Options_that_do_not_fit_the_type_are_refused_saying_where(string json, string message)
    {
        var error = Assert.Throws<SchemaDefinitionException>(() => GenerationSchema.Parse(json));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Every_quickstarts_records_pass_through_the_connector_config_validation()
    {
        var connector = new DatagenConnector();
        foreach (var name in Quickstarts.All.Keys)
        {
            var validation = connector.Validate(new Dictionary<string, string> { ["kafka.topic"] = "t", ["quickstart"] = name.ToUpper(CultureInfo.InvariantCulture) });
            Assert.All(validation.Values, v => Assert.True(v.ErrorMessages.Count == 0, $"{name}: {v.Name}: {string.Join("; ", v.ErrorMessages)}"));
        }
    }
}
