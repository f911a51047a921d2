namespace Tributary.Connect.Datagen;

/// <summary>
/// The <c>quickstart</c> values this connector carries: each an Avro schema with generation hints
/// (<c>Quickstarts/NAME.avsc</c>, embedded) and the field that keys its records unless <c>schema.keyfield</c> says
/// otherwise. Names and key fields are those of datagen's <c>Quickstart</c> enum; the schemas' record names, field
/// names, Avro types (logical types included) and nesting are those of datagen's published schema files; the hints
/// (ranges, option lists, patterns) are written here to give values of the same kind. docs/generator.md lists where
/// each schema's facts come from and datagen's names that are not carried (refused by validation like any unknown name).
/// Immutable; the schemas are read once, when the class is first used.
/// </summary>
public static class Quickstarts
{
    public sealed record Quickstart(string Name, string KeyField, string Schema);

    /// <summary>Quickstart name → key field, in datagen's enum order.</summary>
    private static readonly (string Name, string KeyField)[] Table =
    [
        ("clickstream_codes", "code"),
        ("clickstream", "ip"),
        ("orders", "orderid"),
        ("users", "userid"),
        ("users_", "userid"),
        ("pageviews", "viewtime"),
        ("stock_trades", "symbol"),
        ("inventory", "id"),
        ("product", "id"),
        ("purchases", "id"),
        ("transactions", "transaction_id"),
        ("stores", "store_id"),
        ("credit_cards", "card_id"),
        ("campaign_finance", "candidate_id"),
        ("fleet_mgmt_description", "vehicle_id"),
        ("fleet_mgmt_location", "vehicle_id"),
        ("fleet_mgmt_sensors", "vehicle_id"),
        ("pizza_orders", "store_id"),
        ("pizza_orders_completed", "store_id"),
        ("pizza_orders_cancelled", "store_id"),
        ("insurance_customer_activity", "activity_id"),
        ("gaming_games", "id"),
        ("gaming_player_activity", "player_id"),
        ("payroll_employee", "employee_id"),
        ("payroll_employee_location", "employee_id"),
        ("payroll_bonus", "employee_id"),
        ("syslog_logs", "host"),
        ("device_information", "device_ip"),
        ("shoes", "product_id"),
        ("shoe_customers", "id"),
        ("shoe_orders", "order_id"),
        ("shoe_clickstream", "product_id"),
    ];

    public static IReadOnlyDictionary<string, Quickstart> All { get; } =
        Table.ToDictionary(q => q.Name, q => new Quickstart(q.Name, q.KeyField, Read(q.Name)), StringComparer.Ordinal);

    private static string Read(string name)
    {
        using var stream = typeof(Quickstarts).Assembly.GetManifestResourceStream($"quickstarts/{name}.avsc")
            ?? throw new InvalidOperationException($"The quickstart schema quickstarts/{name}.avsc is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
