using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Rules;
using static InvoiceGateway.EInvoicing.Tests.Rules.RuleAssert;

namespace InvoiceGateway.EInvoicing.Tests.Rules;

public class VatAndCodeListRulesTests
{
    [Theory]
    [InlineData(null, "gives no VAT rate")]
    [InlineData(0, "does not tell whether it is zero rated, exempt")]
    public void BrCo04_ALineWithoutARateAboveZero_HasAnUnknownCategory_ReportedNotGuessed(int? rate, string reason)
    {
        var invoice = Invoices.Complete().WithLine(2, l => l with { TaxRate = rate });

        var result = Breaks(new BrCo04(), DocumentOf(invoice), "lines[2].taxRate");

        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(UblExport.Export(invoice).Xml.Descendants(), e => e.Name.LocalName == "ClassifiedTaxCategory" && e.Parent!.Parent!.Elements().First().Value == "3");
        Holds(new BrCo04(), DocumentOf(Invoices.Complete()));
    }

    [Fact]
    public void BrCo18_NoCategorizedLine_LeavesNoVatBreakdown()
    {
        var invoice = Invoices.Complete() with { Lines = Invoices.Complete().Lines.Select(l => l with { TaxRate = null }).ToArray() };

        Breaks(new BrCo18(), DocumentOf(invoice), "lines[].taxRate");
        Breaks(new BrCo18(), DocumentOf(Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Tax = null } }), "totals.tax");
        Holds(new BrCo18(), DocumentOf(Invoices.Complete()));
    }

    [Fact]
    public void BrS01_StandardRatedLinesWithoutAStandardRatedBreakdown_BreakIt()
    {
        var withoutNets = Invoices.Complete() with { Lines = Invoices.Complete().Lines.Select(l => l with { Net = null }).ToArray() };

        Breaks(new BrS01(), DocumentOf(withoutNets), "lines[].net");
        Breaks(new BrS01(), DocumentOf(Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Tax = null } }), "lines[].net");
        Holds(new BrS01(), DocumentOf(Invoices.Complete()));
    }

    [Fact]
    public void BrS02_AStandardRatedInvoiceWithoutTheSellersVatIdentifier_BreaksIt()
    {
        var invoice = Invoices.Complete() with { Issuer = Invoices.Seller with { VatNumber = null } };

        Breaks(new BrS02(), DocumentOf(invoice), "issuer.vatNumber");
        Holds(new BrS02(), DocumentOf(Invoices.Complete()));
    }

    [Fact]
    public void BrCo09_AVatIdentifierWithoutACountryPrefix_BreaksIt()
    {
        var invoice = Invoices.Complete() with { Recipient = Invoices.Buyer with { VatNumber = "998877665MVA" } };

        Breaks(new BrCo09(), DocumentOf(invoice), "recipient.vatNumber");
        Holds(new BrCo09(), DocumentOf(Invoices.Complete()));
    }

    [Fact]
    public void BrCo26_ASellerWithNeitherOrganizationNumberNorVatIdentifier_BreaksIt()
    {
        var invoice = Invoices.Complete() with { Issuer = Invoices.Seller with { VatNumber = null, OrganizationNumber = null } };

        Breaks(new BrCo26(), DocumentOf(invoice), "issuer.organizationNumber");
    }

    [Fact]
    public void BrCl04_AndBrCl14_CodesThatAreNotIsoCodes_BreakThem()
    {
        var invoice = Invoices.Complete() with
        {
            Currency = "kr",
            Recipient = Invoices.Buyer with { Address = Invoices.Buyer.Address! with { Country = "NORGE" } },
        };

        Breaks(new BrCl04(), DocumentOf(invoice), "currency");
        Breaks(new BrCl14(), DocumentOf(invoice), "recipient.address.country");
    }

    [Fact]
    public void BrDec_AnAmountWithMoreThanTwoDecimals_BreaksTheRuleOfItsTerm()
    {
        var invoice = Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Gross = 2910.004m } };

        var report = UblExport.Check(invoice);

        Assert.Contains(report.Rules, r => r.Id == "BR-DEC-14" && r.Field == "totals.gross");
        Assert.DoesNotContain(report.Rules, r => r.Id == "BR-DEC-12");
        Assert.Empty(DecimalsRule.All.SelectMany(rule => rule.Check(DocumentOf(Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Gross = 2910.000m } }))));
    }

    [Fact]
    public void PeppolElectronicAddresses_AreWarnings_ThatLeaveTheInvoiceValid()
    {
        var invoice = Invoices.Complete() with
        {
            Issuer = Invoices.Seller with { ElectronicAddress = null },
            Recipient = Invoices.Buyer with { ElectronicAddress = null },
        };

        var report = UblExport.Check(invoice);

        Assert.True(report.Valid);
        Assert.Equal("valid", report.HeaderValue);
        Assert.Equal(
            [("PEPPOL-EN16931-R010", RuleFlag.Warning, "recipient.electronicAddress"), ("PEPPOL-EN16931-R020", RuleFlag.Warning, "issuer.electronicAddress")],
            report.Rules.Select(r => (r.Id, r.Flag, r.Field)));
    }

    [Fact]
    public void Report_ListsFatalRulesFirst_AndEachFailedRuleOnceInTheHeader()
    {
        var invoice = Invoices.Complete().WithLine(0, l => l with { Unit = null }).WithLine(1, l => l with { Unit = null });

        var report = UblExport.Check(invoice);

        Assert.Equal(2, report.Rules.Count(r => r.Id == "BR-23"));
        Assert.Equal("invalid; rules=BR-23", report.HeaderValue);
    }

    [Theory]
    [InlineData("timer", "HUR")]
    [InlineData("stk", "H87")]
    [InlineData("Kg", "KGM")]
    [InlineData("C62", "C62")]
    public void BrCl23_UnitWordsAreConvertedToRecommendation20Codes(string unit, string code)
    {
        var document = DocumentOf(Invoices.Complete().WithLine(0, l => l with { Unit = unit }));

        Assert.Equal(code, document.Lines[0].Unit);
        Holds(new BrCl23(), document);
    }

    [Fact]
    public void BrCl23_AUnitThatIsNoCode_IsKeptAndReported()
    {
        var document = DocumentOf(Invoices.Complete().WithLine(0, l => l with { Unit = "pakke à 6" }));

        Assert.Equal("pakke à 6", document.Lines[0].Unit);
        Breaks(new BrCl23(), document, "lines[0].unit");
    }
}
