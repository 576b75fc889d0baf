using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Normalization.Tests;

public class OrganizationNumbersTests
{
    [Theory]
    [InlineData("976 967 631", "NO", "976967631", "0192", null)]
    [InlineData("976.967.631", "NO", "976967631", "0192", null)]
    [InlineData("976967631", null, "976967631", null, null)] // nine digits, country unknown: no scheme guessed
    [InlineData("976967631", "SE", "976967631", null, null)]
    [InlineData("NO 918713867 MVA", null, "918713867", "0192", "NO918713867MVA")]
    [InlineData("no918713867mva", null, "918713867", "0192", "NO918713867MVA")]
    [InlineData("918 713 867 MVA", null, "918713867", "0192", "NO918713867MVA")]
    [InlineData("NO 918713867", null, "918713867", "0192", null)]
    [InlineData("HRB 12345", "DE", "HRB 12345", null, null)] // not a form we know: kept as given
    public void Read_NormalizesNumberSchemeAndVatNumber(string value, string? country, string number, string? scheme, string? vat) =>
        Assert.Equal(new OrganizationIdentity(number, scheme, vat), OrganizationNumbers.Read(value, country));

    [Theory]
    [InlineData("9908", "0192")] // Peppol's code for the Norwegian register, written as its ISO 6523 ICD
    [InlineData("0192", "0192")]
    [InlineData("0088", "0088")]
    [InlineData("NO", null)]
    public void Read_TakesTheSchemeTheUpstreamGives(string given, string? expected) =>
        Assert.Equal(expected, OrganizationNumbers.Read("911919911", null, given).Scheme);

    [Fact]
    public void Read_OfBlank_IsNothing() =>
        Assert.Equal(default, OrganizationNumbers.Read("  ", "NO"));
}
