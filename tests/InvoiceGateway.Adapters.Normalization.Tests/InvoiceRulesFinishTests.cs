using System.Text;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization.Tests;

/// <summary>
/// <see cref="InvoiceRules.Finish"/> pinned as a whole: each case's finished invoice is compared, as the gateway serializes
/// it (every property, the raw payload included), with the invoice written out by hand. Written against the
/// implementation that copied the invoice up to three times (signs, rounding, warnings), so that building it once
/// must give the same output.
/// </summary>
public class InvoiceRulesFinishTests
{
    private static readonly RawJson MappedRaw = RawJson.OfRead("{\"mapped\":true}"u8);
    private static readonly RawJson GivenRaw = RawJson.OfRead("{\"number\":7,\"total\":-250}"u8);

    private static readonly Invoice Mapped = new()
    {
        Id = "s:7",
        Source = "s",
        SourceId = "7",
        Number = "7",
        Direction = InvoiceDirection.Receivable,
        Status = InvoiceStatus.Open,
        SourceStatus = "sent",
        IssueDate = new DateOnly(2026, 11, 2),
        DueDate = new DateOnly(2026, 11, 16),
        CreatedAt = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero),
        Currency = "NOK",
        Issuer = new Party { Name = "Nordlys Regnskap AS", OrganizationNumber = "913456782" },
        Recipient = new Party { Name = "Havblikk AS", Address = new PostalAddress(City: "BERGEN", Country: "NO") },
        Payment = new PaymentInstructions(AccountNumber: "15032245871"),
        References = new InvoiceReferences(Order: "order_200"),
        Notes = "Takk for handelen!",
    };

    [Fact]
    public void Finish_SetsRawStatusAndWarnings_OfAnInvoiceThatNeedsNothingElse()
    {
        var invoice = Mapped with
        {
            Totals = new InvoiceTotals(Net: 100m, Tax: 25m, Gross: 125m, Paid: 0m, Due: 125m),
            Lines = [new InvoiceLine { Position = 1, Quantity = 2m, UnitPrice = 50m, Net = 100m, Tax = 25m, Gross = 125m }],
        };

        var finished = InvoiceRules.Finish(invoice, new UpstreamValues(), GivenRaw, totals => totals.Due == 0m ? InvoiceStatus.Paid : InvoiceStatus.PartiallyPaid);

        AssertSame(invoice with { Raw = GivenRaw, Status = InvoiceStatus.PartiallyPaid }, finished);
    }

    [Fact]
    public void Finish_KeepsTheMappedRawAndStatus_WhenNoneIsGiven()
    {
        var invoice = Mapped with { Raw = MappedRaw, Totals = new InvoiceTotals(Gross: 10m) };

        AssertSame(invoice, InvoiceRules.Finish(invoice, new UpstreamValues()));
    }

    [Fact]
    public void Finish_TurnsANegativeCreditNotePositive_RoundsItsLines_AndAppendsTheChecksToTheMappingsWarnings()
    {
        var values = new UpstreamValues();
        values.Warn(WarningCodes.UnparsedValue, "mapped first");
        var invoice = Mapped with
        {
            Kind = InvoiceKind.CreditNote,
            Totals = new InvoiceTotals(Net: -300m, Tax: -50m, Gross: -250m, Paid: 0m, Due: -250m, MinimumDue: -1m, Credited: 250m),
            Lines =
            [
                new InvoiceLine { Position = 1, Code = "A", Quantity = -2m, UnitPrice = 100m, Net = -200.004m, Tax = -50.005m, Gross = -250.009m },
                new InvoiceLine { Position = 2, Quantity = 1m, UnitPrice = -10m, Net = -10m, Tax = 0m, Gross = -10m },
                new InvoiceLine { Position = 3, Quantity = 1m, UnitPrice = 10m, Net = 10m, Tax = 0m, Gross = 10m, DiscountPercent = 50m },
                new InvoiceLine { Description = "no amounts" },
            ],
            Allocations = [new InvoiceAllocation(Amount: -250m, CostCenter: "100"), new InvoiceAllocation(Description: "none")],
        };

        var finished = InvoiceRules.Finish(invoice, values, GivenRaw, _ => InvoiceStatus.Paid);

        AssertSame(invoice with
        {
            Totals = new InvoiceTotals(Net: 300m, Tax: 50m, Gross: 250m, Paid: 0m, Due: 250m, MinimumDue: 1m, Credited: 250m),
            Lines =
            [
                new InvoiceLine { Position = 1, Code = "A", Quantity = 2m, UnitPrice = 100m, Net = 200.00m, Tax = 50.01m, Gross = 250.01m },
                new InvoiceLine { Position = 2, Quantity = 1m, UnitPrice = 10m, Net = 10m, Tax = 0m, Gross = 10m },
                new InvoiceLine { Position = 3, Quantity = -1m, UnitPrice = 10m, Net = -10m, Tax = 0m, Gross = -10m, DiscountPercent = 50m },
                new InvoiceLine { Description = "no amounts" },
            ],
            Allocations = [new InvoiceAllocation(Amount: 250m, CostCenter: "100"), new InvoiceAllocation(Description: "none")],
            Warnings =
            [
                new InvoiceWarning(WarningCodes.UnparsedValue, "mapped first"),
                new InvoiceWarning(WarningCodes.NetExceedsGross, "The net amount 300 exceeds the gross amount 250."),
                new InvoiceWarning(WarningCodes.TotalsMismatch, "Gross 250 differs from net 300 + tax 50."),
                new InvoiceWarning(WarningCodes.LineMismatch, "Line 3: quantity -1 × unit price 10 less 50 % is -5, but its net is -10."),
            ],
            Raw = GivenRaw,
            Status = InvoiceStatus.Paid,
        }, finished);
    }

    [Fact]
    public void Finish_RoundsTheLinesOfAnInvoice_AndChecksTheirSumAgainstTheHeader()
    {
        var invoice = Mapped with
        {
            Totals = new InvoiceTotals(Net: 100.5m, Tax: 25m, Gross: 125.5m),
            Lines =
            [
                new InvoiceLine { Position = 1, Quantity = 1.5m, UnitPrice = 0.333m, Net = 0.4995m, Gross = 0.62438m },
                new InvoiceLine { Quantity = 1m, UnitPrice = 99.5m, Net = 99.5m },
            ],
        };

        var finished = InvoiceRules.Finish(invoice, new UpstreamValues(), GivenRaw);

        AssertSame(invoice with
        {
            Lines =
            [
                new InvoiceLine { Position = 1, Quantity = 1.5m, UnitPrice = 0.333m, Net = 0.50m, Gross = 0.62m },
                new InvoiceLine { Quantity = 1m, UnitPrice = 99.5m, Net = 99.5m },
            ],
            Warnings =
            [
                new InvoiceWarning(WarningCodes.LinesMismatch,
                    "The lines' net amounts add up to 100.00, but the invoice's net is 100.5 (EN 16931 BR-CO-10)."),
            ],
            Raw = GivenRaw,
        }, finished);
    }

    [Fact]
    public void Finish_LeavesAPositiveCreditNote_AndANegativeInvoice_AsMapped()
    {
        var credit = Mapped with
        {
            Kind = InvoiceKind.CreditNote,
            Totals = new InvoiceTotals(Net: 200m, Tax: 50m, Gross: 250m),
            Lines = [new InvoiceLine { Quantity = -1m, UnitPrice = 200m, Net = 200m }],
        };
        var negative = Mapped with
        {
            Totals = new InvoiceTotals(Net: -200m, Tax: -50m, Gross: -250m),
            Lines = [new InvoiceLine { Quantity = -1m, UnitPrice = 200m, Net = -200m }],
            Allocations = [new InvoiceAllocation(Amount: -250m)],
        };

        AssertSame(credit with
        {
            Warnings = [new InvoiceWarning(WarningCodes.LineMismatch, "Line 1: quantity -1 × unit price 200 is -200, but its net is 200.")],
        }, InvoiceRules.Finish(credit, new UpstreamValues()));
        AssertSame(negative, InvoiceRules.Finish(negative, new UpstreamValues()));
    }

    [Fact]
    public void Finish_TurnsACreditNoteWithOnlyANegativeNetPositive()
    {
        var invoice = Mapped with { Kind = InvoiceKind.CreditNote, Totals = new InvoiceTotals(Net: -80m, Due: 0m) };

        AssertSame(invoice with { Totals = new InvoiceTotals(Net: 80m, Due: 0m) }, InvoiceRules.Finish(invoice, new UpstreamValues()));
    }

    private static void AssertSame(Invoice expected, Invoice actual) =>
        Assert.Equal(Encoding.UTF8.GetString(CanonicalJson.Serialize(expected)), Encoding.UTF8.GetString(CanonicalJson.Serialize(actual)));
}
