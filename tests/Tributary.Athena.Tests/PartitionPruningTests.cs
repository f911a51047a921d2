using Tributary.Athena.Engine;

namespace Tributary.Athena.Tests;

public sealed class PartitionPruningTests
{
    private static readonly (string, string)[] Keys = [("year", "int"), ("month", "string")];

    private static bool? Keeps(string sql, params string[] values) =>
        PartitionPruning.Extract(sql, Keys)?.Bind(Keys).Matches(values);

    [Theory]
    [InlineData("SELECT * FROM t WHERE year = 2024 AND month = '02'", "2024", "02", true)]
    [InlineData("SELECT * FROM t WHERE year = 2024 AND month = '02'", "2024", "03", false)]
    [InlineData("SELECT * FROM t WHERE t.year BETWEEN 2020 AND 2023 AND kind = 'a' GROUP BY 1", "2024", "01", false)]
    [InlineData("SELECT * FROM t WHERE (month IN ('01', '02') OR year > 2025) AND amount > 3 ORDER BY 1", "2024", "02", true)]
    [InlineData("SELECT * FROM t WHERE \"year\" >= 2024 AND lower(kind) = 'x' LIMIT 5", "2023", "02", false)]
    public void Conditions_on_partition_keys_prune(string sql, string year, string month, bool kept) =>
        Assert.Equal(kept, Keeps(sql, year, month));

    [Theory]
    [InlineData("SELECT * FROM t")]
    [InlineData("SELECT * FROM t WHERE year = 2024 OR kind = 'a'")]
    [InlineData("SELECT * FROM t WHERE kind = 'year = 2024'")]
    [InlineData("SELECT * FROM (SELECT * FROM t WHERE year = 2024) WHERE amount > 1")]
    public void Nothing_is_pruned_without_a_necessary_condition(string sql) =>
        Assert.Null(Keeps(sql, "2023", "01"));
}
