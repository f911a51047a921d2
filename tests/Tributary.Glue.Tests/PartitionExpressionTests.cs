using Tributary.Glue.Expressions;

namespace Tributary.Glue.Tests;

public sealed class PartitionExpressionTests
{
    private static readonly (string, string)[] Keys = [("year", "int"), ("month", "string"), ("region", "string")];

    private static bool Matches(string expression, params string[] values) =>
        PartitionExpression.Parse(expression).Bind(Keys).Matches(values);

    [Theory]
    [InlineData("year = 2024", true)]
    [InlineData("year = '2024'", true)]
    [InlineData("year <> 2024", false)]
    [InlineData("year != 2023", true)]
    [InlineData("year > 2023", true)]
    [InlineData("year >= 2025", false)]
    [InlineData("year < 10000", true)] // numeric key: 2024 < 10000 although "2024" > "10000" as text
    [InlineData("year <= 2024 AND month = '03'", true)]
    [InlineData("year = 2023 OR region = 'eu'", true)]
    [InlineData("year = 2023 OR region = 'us'", false)]
    [InlineData("year BETWEEN 2020 AND 2024", true)]
    [InlineData("year NOT BETWEEN 2020 AND 2024", false)]
    [InlineData("month IN ('01', '03')", true)]
    [InlineData("month NOT IN ('01', '03')", false)]
    [InlineData("region LIKE 'e%'", true)]
    [InlineData("region LIKE '_u'", true)]
    [InlineData("region LIKE 'u%'", false)]
    [InlineData("region NOT LIKE 'u%'", true)]
    [InlineData("(year = 2023 OR year = 2024) AND NOT (month = '04')", true)]
    [InlineData("YEAR = 2024 and Month = '03'", true)]
    [InlineData("month > '02'", true)]
    [InlineData("'eu' = region", true)]
    public void Evaluates_over_partition_values(string expression, bool expected) =>
        Assert.Equal(expected, Matches(expression, "2024", "03", "eu"));

    [Fact]
    public void And_binds_tighter_than_or() =>
        Assert.True(Matches("year = 1 AND month = 'x' OR region = 'eu'", "2024", "03", "eu"));

    [Fact]
    public void Quotes_inside_strings_are_doubled() =>
        Assert.True(Matches("region = 'o''brien'", "2024", "03", "o'brien"));

    [Fact]
    public void Like_escapes_regex_characters() =>
        Assert.False(Matches("region LIKE 'a.c'", "2024", "03", "abc"));

    [Theory]
    [InlineData("year =")]
    [InlineData("year = 2024 AND")]
    [InlineData("(year = 2024")]
    [InlineData("year 2024")]
    [InlineData("region = 'open")]
    [InlineData("year IN ()")]
    [InlineData("year BETWEEN 1")]
    [InlineData("year = 2024 garbage")]
    [InlineData("year ~ 2")]
    public void Syntax_errors_are_format_exceptions(string expression)
    {
        var error = Assert.Throws<FormatException>(() => PartitionExpression.Parse(expression));
        Assert.Contains("position", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_that_is_not_a_partition_key_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => PartitionExpression.Parse("price > 3").Bind(Keys));
        Assert.Contains("price", error.Message, StringComparison.Ordinal);
    }
}
