using System.Text.Json.Nodes;

namespace Tributary.Jq.Tests;

/// <summary>
/// Byte-literal checks for every jq 1.6 behaviour we first got wrong (found by the oracle tests), so they stay fixed
/// even where jq is not installed for a quick look. The expected strings were printed by Debian's jq 1.6.
/// </summary>
public class PinnedTests
{
    private static string Run(string program, string input = "null")
    {
        var outputs = JqProgram.Parse(program).Run(JsonNode.Parse(input));
        return string.Join("\n", outputs.Select(JqProgram.ToJson));
    }

    private static string Error(string program, string input = "null") =>
        Assert.Throws<JqException>(() => JqProgram.Parse(program).Run(JsonNode.Parse(input))).Message;

    [Theory]
    [InlineData("1e1000", "1.7976931348623157e+308")]
    [InlineData("-1e1000", "-1.7976931348623157e+308")]
    [InlineData("1e17", "1e+17")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1e15", "1000000000000000")]
    [InlineData("1e-5", "1e-05")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("123456789012345678", "123456789012345680")]
    [InlineData("12345678901234567890", "12345678901234567000")]
    [InlineData("100000000000000000000", "1e+20")]
    [InlineData("-0", "-0")]
    [InlineData("3.0", "3")]
    [InlineData("0.1", "0.1")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("[0.1,1.5e300]", "[0.1,1.5e+300]")]
    public void NumbersPrintAsJq16(string input, string expected) => Assert.Equal(expected, Run(".", input));

    [Fact]
    public void DeleteCharacterIsEscaped() => Assert.Equal("\"\\u0000\\u001f\\u007f\u2028é😀\"", Run("\"\\u0000\\u001f\\u007f\\u2028é😀\""));

    [Fact]
    public void NanPrintsAsNull() => Assert.Equal("[null]", Run("[nan]"));

    [Fact]
    public void TsvErrorSaysCsvRow() => Assert.Equal("object ({\"a\":1}) is not valid in a csv row", Error("@tsv", "[{\"a\":1}]"));

    [Fact]
    public void HtmlEscapesApostropheAsApos() => Assert.Equal("\"&lt;&amp;&gt;&apos;&quot;\"", Run("@html", "\"<&>'\\\"\""));

    [Fact]
    public void MktimeOfMinusOneIsAnError() => Assert.Equal("invalid gmtime representation", Error("mktime", "[1969,11,31,23,59,59,0,0]"));

    [Fact]
    public void TypePredicatesAcceptAnyValue() => Assert.Equal("false\nfalse\nfalse", Run("isnan, isinfinite, isnormal", "\"a\""));

    [Fact]
    public void UnmatchedCaptureKeyOrder() =>
        Assert.Equal("{\"offset\":0,\"length\":1,\"string\":\"b\",\"captures\":[{\"offset\":-1,\"string\":null,\"length\":0,\"name\":null}]}", Run("match(\"(a)?b\")", "\"b\""));

    [Fact]
    public void RegexMatchesCodePointsNotUtf16Halves() => Assert.Equal("\"a__\"", Run("gsub(\"[^a-z0-9]\"; \"_\")", "\"a😀ü\""));

    [Fact]
    public void RegexOffsetsAreCodePoints() => Assert.Equal("[1,3]", Run("[match(\"a\"; \"g\").offset]", "\"éaéa\""));

    [Fact]
    public void StringIndexIsUtf8ByteOffset() => Assert.Equal("3\n5\n[3,5]", Run("index(\"b\"), rindex(\"b\"), indices(\"b\")", "\"aébcb\""));

    [Fact]
    public void FlattenAcceptsObjects() => Assert.Equal("[1]", Run("flatten", "{\"a\":[1]}"));

    [Fact]
    public void ConstantDivisionFolds()
    {
        Assert.Equal("true", Run("0 / 0 | isnan"));
        Assert.Contains("Division by zero?", Assert.Throws<JqException>(() => JqProgram.Parse("1 / 0")).Message);
        Assert.Equal("number (1) and number (0) cannot be divided because the divisor is zero", Error(". as $x | 1 / $x", "0"));
    }

    [Fact]
    public void SetpathErrorNamesTheKeyType() => Assert.Equal("Cannot index array with string \"a\"", Error("setpath([\"a\"]; 1)", "[1]"));

    [Fact]
    public void StringFieldAfterField() => Assert.Equal("2", Run(".a.\"b\"", "{\"a\":{\"b\":2}}"));

    [Fact]
    public void LimitZeroStillYieldsOne() => Assert.Equal("[1]\n[1,2]", Run("[limit(0; 1, 2)], [limit(-1; 1, 2)]"));

    [Fact]
    public void RepeatAppliesToTheSameInput() => Assert.Equal("[2,2,2]", Run("[limit(3; 1 | repeat(. + 1))]"));

    [Fact]
    public void ErrorNullIsEmpty() => Assert.Equal("[2]", Run("[error(null), 2]"));

    [Fact]
    public void IndexingAStringWithANumberIsAnError() => Assert.Equal("Cannot index string with number", Error(".[0]", "\"abc\""));

    [Fact]
    public void IndexErrorQuotesTheKey() => Assert.Equal("Cannot index number with string \"a\"", Error(".a", "5"));

    [Fact]
    public void ErrorValuesAreTruncatedLikeJq() => Assert.Equal("Cannot iterate over string (\"abcdefghij...)", Error(".[]", "\"abcdefghijklmnopqrstuvwxyz\""));

    [Fact]
    public void UpdateWithEmptyDeletesAsJq16() => Assert.Equal("[2]", Run(".[] |= empty", "[1,2,3]"));

    [Fact]
    public void ReduceKeepsLastUpdateOutput() => Assert.Equal("0", Run("reduce (1,2) as $x (0; . + $x, . * 10)"));

    [Fact]
    public void NanSortsFirstAndIsLessThanItself() => Assert.Equal("[null,null,1]\n[true,false]", Run("([nan, 1, nan] | sort), [nan < nan, nan == nan]"));

    [Fact]
    public void GmtimeKeepsTheFraction() => Assert.Equal("[1969,11,31,23,59,59.5,3,364]", Run("gmtime", "-1.5"));

    [Fact]
    public void TodateIgnoresTheFraction() => Assert.Equal("\"2015-03-05T23:53:41Z\"", Run("todate", "1425599621.9"));

    [Fact]
    public void StrftimeNeedsAllEightFields() => Assert.Equal("strftime/1 requires parsed datetime inputs", Error("strftime(\"%Y\")", "[2015,2,5,1,2,3]"));

    [Fact]
    public void IfRequiresElse() => Assert.Throws<JqException>(() => JqProgram.Parse("if . then 1 end"));

    [Fact]
    public void ObjectValuesAreRestrictedAsInJq() => Assert.Throws<JqException>(() => JqProgram.Parse("{a: 1 + 2}"));

    // jq 1.6 loops until it runs out of memory here; we terminate (a deliberate difference, see docs/jq.md).
    [Fact]
    public void GsubWithEmptyMatchesTerminates() => Assert.Equal("\"xaxb\"\n\"xaxxa\"", Run("(\"ab\" | gsub(\"\"; \"x\")), (\"abba\" | gsub(\"b*\"; \"x\"))"));
}
