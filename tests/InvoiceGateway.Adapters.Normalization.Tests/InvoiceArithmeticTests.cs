using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization.Tests;

public class InvoiceArithmeticTests
{
    private static readonly Invoice Empty = new() { Id = "s:1", Source = "s", SourceId = "1", Currency = "NOK" };

    [Fact]
    public void Finish_WarnsLineMismatch_WhenNetIsNotQuantityTimesPriceLessDiscount()
    {
        // SendRegning's seed line 1: 10 × 12.12 less 10 % is 109.08, the line says 121.2.
        var invoice = Empty with
        {
            Lines =
            [
                new InvoiceLine { Position = 1, Quantity = 10m, UnitPrice = 12.12m, DiscountPercent = 10m, Net = 121.2m },
                new InvoiceLine { Position = 2, Quantity = 3m, UnitPrice = 33.33m, Net = 100.01m }, // 99.99: within 0.02
            ],
        };

        var finished = InvoiceRules.Finish(invoice, new UpstreamValues());

        var warning = Assert.Single(finished.Warnings);
        Assert.Equal(WarningCodes.LineMismatch, warning.Code);
        Assert.Contains("Line 1", warning.Message, StringComparison.Ordinal);
        Assert.Contains("109.08", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_WarnsLinesMismatch_WhenTheLinesNetDoesNotAddUpToTheHeader()
    {
        var invoice = Empty with
        {
            Totals = new InvoiceTotals(Net: 11.11m, Tax: 11.11m, Gross: 22.22m),
            Lines = [new InvoiceLine { Net = 121.2m }, new InvoiceLine { Net = 269.31m }],
        };

        var finished = InvoiceRules.Finish(invoice, new UpstreamValues());

        var warning = Assert.Single(finished.Warnings);
        Assert.Equal(WarningCodes.LinesMismatch, warning.Code);
        Assert.Contains("390.51", warning.Message, StringComparison.Ordinal);
        Assert.Contains("11.11", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finish_IsQuiet_WhenLinesAddUpWithinOneCent_OrANetIsUnknown()
    {
        var addsUp = Empty with
        {
            Totals = new InvoiceTotals(Net: 100.00m),
            Lines = [new InvoiceLine { Net = 33.33m }, new InvoiceLine { Net = 66.68m }],
        };
        var unknownLine = addsUp with { Lines = [new InvoiceLine { Net = 1m }, new InvoiceLine()] };

        Assert.Empty(InvoiceRules.Finish(addsUp, new UpstreamValues()).Warnings);
        Assert.Empty(InvoiceRules.Finish(unknownLine, new UpstreamValues()).Warnings);
    }

    [Fact]
    public void Finish_RoundsLineAmountsToTwoDecimals_AndKeepsTheScaleOfOthers()
    {
        // Dollr: 1.5 × 0.333 = 0.4995.
        var invoice = Empty with
        {
            Lines = [new InvoiceLine { Quantity = 1.5m, UnitPrice = 0.333m, Gross = 0.4995m, Net = 463.0m, Tax = -0.125m }],
        };

        var line = Assert.Single(InvoiceRules.Finish(invoice, new UpstreamValues()).Lines);

        Assert.Equal("0.50", line.Gross!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("463.0", line.Net!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(-0.13m, line.Tax);
        Assert.Equal(0.333m, line.UnitPrice);
    }

    [Fact]
    public void Finish_TurnsANegativeCreditNotePositive_LinesIncluded()
    {
        var invoice = Empty with
        {
            Kind = InvoiceKind.CreditNote,
            Totals = new InvoiceTotals(Net: -200m, Tax: -50m, Gross: -250m, Due: -250m, Credited: 250m),
            Lines =
            [
                new InvoiceLine { Quantity = -2m, UnitPrice = 100m, Net = -200m, Tax = -50m, Gross = -250m },
                new InvoiceLine { Quantity = 1m, UnitPrice = -10m, Net = -10m, Tax = 0m, Gross = -10m },
                new InvoiceLine { Quantity = 1m, UnitPrice = 10m, Net = 10m, Tax = 0m, Gross = 10m },
            ],
        };

        var finished = InvoiceRules.Finish(invoice, new UpstreamValues());

        Assert.Equal(new InvoiceTotals(Net: 200m, Tax: 50m, Gross: 250m, Due: 250m, Credited: 250m), finished.Totals);
        Assert.Equal((2m, 100m, 200m, 250m), (finished.Lines[0].Quantity, finished.Lines[0].UnitPrice, finished.Lines[0].Net, finished.Lines[0].Gross));
        Assert.Equal((1m, 10m, 10m), (finished.Lines[1].Quantity, finished.Lines[1].UnitPrice, finished.Lines[1].Net));
        // A charge against the credit stays one: negative, and still quantity × unit price.
        Assert.Equal((-1m, 10m, -10m), (finished.Lines[2].Quantity, finished.Lines[2].UnitPrice, finished.Lines[2].Net));
        Assert.Empty(finished.Warnings);
    }

    [Fact]
    public void Finish_LeavesAPositiveCreditNoteAndANegativeInvoiceAlone()
    {
        var credit = Empty with { Kind = InvoiceKind.CreditNote, Totals = new InvoiceTotals(Gross: 250m) };
        var invoice = Empty with { Totals = new InvoiceTotals(Gross: -250m) };

        Assert.Equal(250m, InvoiceRules.Finish(credit, new UpstreamValues()).Totals.Gross);
        Assert.Equal(-250m, InvoiceRules.Finish(invoice, new UpstreamValues()).Totals.Gross);
    }
}
