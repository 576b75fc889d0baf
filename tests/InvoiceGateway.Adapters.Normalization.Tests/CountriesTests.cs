using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization.Tests;

public class CountriesTests
{
    [Theory]
    [InlineData("NO", "NO")]
    [InlineData(" no ", "NO")]
    [InlineData("UK", "GB")]
    [InlineData("uk", "GB")]
    [InlineData("EL", "GR")]
    [InlineData("LBR", "LR")]
    [InlineData("nor", "NO")]
    [InlineData("Åland", "AX")]
    [InlineData("Aland Islands", "AX")]
    [InlineData("NORGE", "NO")]
    [InlineData("Norge", "NO")]
    [InlineData("Noreg", "NO")]
    [InlineData("Norway", "NO")]
    [InlineData("Österreich", "AT")]
    [InlineData("ØSTERRIKE", "AT")]
    [InlineData("Tyskland", "DE")]
    [InlineData("Deutschland", "DE")]
    [InlineData("United Kingdom", "GB")]
    [InlineData("Storbritannia", "GB")]
    [InlineData("Liberia", "LR")]
    [InlineData("Côte d'Ivoire", "CI")]
    [InlineData("Antigua and Barbuda", "AG")]
    [InlineData("Antigua & Barbuda", "AG")]
    [InlineData("United States of America", "US")]
    [InlineData("Western Sahara", "EH")]
    public void TryToIsoAlpha2_ConvertsCodesAndNames(string value, string expected) =>
        Assert.Equal(expected, Countries.TryToIsoAlpha2(value));

    [Theory]
    [InlineData("XY")] // two letters, but no assigned ISO 3166-1 code: validated, not passed through
    [InlineData("N0")]
    [InlineData("QQQ")]
    [InlineData("Atlantis")]
    [InlineData("Oslo")]
    public void TryToIsoAlpha2_AnswersNullForWhatIsNoCountry(string value) =>
        Assert.Null(Countries.TryToIsoAlpha2(value));

    [Fact]
    public void Table_HoldsEveryIsoCountryOnce()
    {
        // 249 officially assigned alpha-2 codes (ISO 3166-1), each reachable by its own code.
        var letters = Enumerable.Range('A', 26).Select(c => (char)c).ToArray();
        var assigned = letters.SelectMany(a => letters.Select(b => $"{a}{b}")).Where(code => Countries.TryToIsoAlpha2(code) == code).ToArray();
        Assert.Equal(249, assigned.Length);
    }

    [Fact]
    public void Country_WarnsAndKeepsAValueThatIsNoCountry()
    {
        var values = new UpstreamValues();

        Assert.Equal("LR", values.Country("country", "LBR"));
        Assert.Null(values.Country("country", "  "));
        Assert.Empty(values.Warnings);

        Assert.Equal("Atlantis", values.Country("address.country", " Atlantis "));
        Assert.Equal("XY", values.Country("address.country", "XY"));
        Assert.Equal([WarningCodes.CountryUnknown, WarningCodes.CountryUnknown], values.Warnings.Select(w => w.Code));
        Assert.Contains("address.country", values.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("Atlantis", values.Warnings[0].Message, StringComparison.Ordinal);
    }
}
