using InvoiceGateway.EInvoicing.Rules;
using static InvoiceGateway.EInvoicing.Tests.Rules.RuleAssert;

namespace InvoiceGateway.EInvoicing.Tests.Rules;

public class ArithmeticRulesTests
{
    [Fact]
    public void CompleteInvoice_BreaksNoRule()
    {
        var report = UblExport.Check(Invoices.Complete());

        Assert.True(report.Valid);
        Assert.Empty(report.Rules);
        Assert.Equal("valid", report.HeaderValue);
    }

    [Fact]
    public void BrCo10_LinesThatDoNotAddUpToTheHeaderNet_BreakIt()
    {
        var invoice = Invoices.Complete().WithLine(0, l => l with { Net = 990.00m });

        Holds(new BrCo10(), DocumentOf(Invoices.Complete()));
        var result = Breaks(new BrCo10(), DocumentOf(invoice), "totals.net");
        Assert.Contains("2400.00", result.Message, StringComparison.Ordinal);
        Assert.Contains("2390.00", result.Message, StringComparison.Ordinal);
        InvoiceBreaks(invoice, "BR-CO-10");
    }

    [Fact]
    public void BrCo13_ATotalWithoutVatOtherThanTheLineTotal_BreaksIt()
    {
        // The canonical invoice has no document level allowances or charges, and its header net is the line total it
        // states, so BT-109 ≠ BT-106 only arises in a document read from elsewhere: checked on the document alone.
        var document = DocumentOf(Invoices.Complete()) with { TaxExclusiveTotal = 2300.00m };

        Holds(new BrCo13(), DocumentOf(Invoices.Complete()));
        Breaks(new BrCo13(), document, "totals.net");
    }

    [Fact]
    public void BrCo14_ATotalVatOtherThanTheBreakdownsTax_BreaksIt()
    {
        var invoice = Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Tax = 500.00m, Gross = 2900.00m, Due = 2900.00m } };

        Holds(new BrCo14(), DocumentOf(Invoices.Complete()));
        Breaks(new BrCo14(), DocumentOf(invoice), "totals.tax");
        InvoiceBreaks(invoice, "BR-CO-14");
    }

    [Fact]
    public void BrCo15_AGrossOtherThanNetPlusTax_BreaksIt()
    {
        var invoice = Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Gross = 2911.00m, Due = 2911.00m } };

        Holds(new BrCo15(), DocumentOf(Invoices.Complete()));
        Breaks(new BrCo15(), DocumentOf(invoice), "totals.gross");
        InvoiceBreaks(invoice, "BR-CO-15");
    }

    [Fact]
    public void BrCo15_WithoutATotalVatAmount_CannotHold()
    {
        var invoice = Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Tax = null } };

        Breaks(new BrCo15(), DocumentOf(invoice), "totals.tax");
    }

    [Fact]
    public void BrCo16_ADueAmountOtherThanGrossLessPaid_BreaksIt()
    {
        var invoice = Invoices.Complete() with { Totals = Invoices.Complete().Totals with { Paid = 1000.00m, Due = 2910.00m } };

        Holds(new BrCo16(), DocumentOf(Invoices.Complete()));
        Breaks(new BrCo16(), DocumentOf(invoice), "totals.due");
        InvoiceBreaks(invoice, "BR-CO-16");
    }

    [Fact]
    public void BrCo16_APaidInvoiceWithNothingDue_HoldsBecauseItsPaidAmountIsTheDifference()
    {
        var paid = Invoices.Complete() with { Status = Contracts.InvoiceStatus.Paid, Totals = Invoices.Complete().Totals with { Due = 0m } };
        var open = paid with { Status = Contracts.InvoiceStatus.Open };

        Assert.Equal(2910.00m, DocumentOf(paid).PaidAmount);
        Holds(new BrCo16(), DocumentOf(paid));
        Breaks(new BrCo16(), DocumentOf(open), "totals.due");
    }

    [Fact]
    public void BrCo17_LineTaxesThatAreNotTheRateOfTheirNet_BreakIt()
    {
        // 25 % of 1500.00 is 375.00; the source says 350.00 + 125.00 = 475.00.
        var invoice = Invoices.Complete().WithLine(0, l => l with { Tax = 350.00m });

        Holds(new BrCo17(), DocumentOf(Invoices.Complete()));
        Breaks(new BrCo17(), DocumentOf(invoice), "lines[].tax");
        InvoiceBreaks(invoice, "BR-CO-17");
        InvoiceBreaks(invoice, "BR-S-09");
    }

    [Fact]
    public void BrCo17_AcceptsLessThanOneUnitOfLineRounding_AsTheOfficialRuleDoes()
    {
        var invoice = Invoices.Complete().WithLine(0, l => l with { Tax = 250.40m });

        Holds(new BrCo17(), DocumentOf(invoice));
    }
}
