using System.Text.RegularExpressions;
using InvoiceGateway.Adapters.Generic.Mapping;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

public class OneLineAddressTests
{
    private static readonly Regex Oracle = new(@"^(?<code>(?:[A-Z]{1,3}-)?\d[\d-]{2,9})\s+(?<city>\p{L}.*)$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The post code and city are cut where the pattern's groups end: the same parts as the pattern's own groups for
    /// every kind of white space and digit it accepts (the pattern is repeated here as the oracle).
    /// </summary>
    [Theory]
    [InlineData("Thomas-Klestil-Platz 14, 1030 Wien")]
    [InlineData("c/o Huber, Landstraße 12, A-4020 Linz")]
    [InlineData("Street 1, ABC-12-34   Town with spaces")]
    [InlineData("Street 1, 1030\u00A0Wien")]
    [InlineData("Street 1, 1030 \t\u2003 Wien")]
    [InlineData("Street 1, 1030\u2028Wien")]
    [InlineData("Street 1, \u0661\u0662\u0663\u0664 Cairo")]
    [InlineData("Street 1,,  , 0150 Oslo ,")]
    [InlineData("Street 1, 0150 Oslo\nNorway")]
    [InlineData("Street 1, 12 Town")]
    [InlineData("Street 1, 1234567890123 Town")]
    [InlineData("Street 1, ABCD-1234 Town")]
    [InlineData("Street 1, 1234 5town")]
    [InlineData("1030 Wien")]
    public void Split_CutsWhereThePatternsGroupsEnd(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var match = parts.Length < 2 ? Match.Empty : Oracle.Match(parts[^1]);
        var expected = match.Success
            ? (parts[0], parts.Length > 2 ? string.Join(", ", parts[1..^1]) : null, match.Groups["code"].Value, match.Groups["city"].Value)
            : (text.Trim(), (string?)null, (string?)null, (string?)null);

        Assert.Equal(expected, OneLineAddress.Split(text));
    }

}
