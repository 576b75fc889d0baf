using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Rules;
using static InvoiceGateway.EInvoicing.Tests.Rules.RuleAssert;

namespace InvoiceGateway.EInvoicing.Tests.Rules;

public class MandatoryTermsTests
{
    /// <summary>Each mandatory term a canonical invoice can lack: the rule, the canonical field, and the invoice without it.</summary>
    public static TheoryData<string, string, string> Missing => new()
    {
        { "BR-02", "number", "no number" },
        { "BR-03", "issueDate", "no issue date" },
        { "BR-05", "currency", "no currency" },
        { "BR-06", "issuer.name", "no seller name" },
        { "BR-07", "recipient.name", "no buyer name" },
        { "BR-08", "issuer.address", "no seller address" },
        { "BR-09", "issuer.address.country", "no seller country" },
        { "BR-10", "recipient.address", "no buyer address" },
        { "BR-11", "recipient.address.country", "no buyer country" },
        { "BR-12", "totals.net", "no net and a line without net" },
        { "BR-13", "totals.net", "no net" },
        { "BR-14", "totals.gross", "no gross" },
        { "BR-15", "totals.due", "no due" },
        { "BR-16", "lines", "no lines" },
        { "BR-22", "lines[1].quantity", "a line without quantity" },
        { "BR-23", "lines[1].unit", "a line without unit" },
        { "BR-24", "lines[1].net", "a line without net" },
        { "BR-25", "lines[1].description", "a line without name" },
        { "BR-26", "lines[1].unitPrice", "a line without price" },
        { "BR-27", "lines[1].unitPrice", "a line with a negative price" },
        { "BR-29", "period.end", "a period ending before it starts" },
        { "BR-57", "deliveryAddress.country", "a delivery address without country" },
        { "BR-62", "issuer.electronicAddress.scheme", "a seller electronic address without scheme" },
        { "BR-63", "recipient.electronicAddress.scheme", "a buyer electronic address without scheme" },
    };

    [Theory]
    [MemberData(nameof(Missing))]
    public void Invoice_WithoutAMandatoryTerm_BreaksTheRuleNamingItsField(string ruleId, string field, string what)
    {
        var invoice = Without(what);

        var report = UblExport.Check(invoice);

        Assert.False(report.Valid);
        Assert.Contains(report.Rules, r => r.Id == ruleId && r.Field == field && r.Flag == RuleFlag.Fatal);
        var rule = En16931Rules.All.Single(r => r.Id == ruleId);
        Holds(rule, DocumentOf(Invoices.Complete()));
        Assert.NotEmpty(rule.Check(DocumentOf(invoice)));
    }

    [Fact]
    public void EveryMandatoryTermRule_HasAFailingCase()
    {
        var covered = Missing.Select(row => row.Data.Item1).ToHashSet();

        Assert.All(MandatoryTerms.All, rule => Assert.Contains(rule.Id, covered));
    }

    private static Invoice Without(string what)
    {
        var complete = Invoices.Complete();
        return what switch
        {
            "no number" => complete with { Number = null },
            "no issue date" => complete with { IssueDate = null },
            "no currency" => complete with { Currency = null! },
            "no seller name" => complete with { Issuer = complete.Issuer! with { Name = null } },
            "no buyer name" => complete with { Recipient = complete.Recipient! with { Name = null } },
            "no seller address" => complete with { Issuer = complete.Issuer! with { Address = null } },
            "no seller country" => complete with { Issuer = complete.Issuer! with { Address = complete.Issuer.Address! with { Country = null } } },
            "no buyer address" => complete with { Recipient = complete.Recipient! with { Address = null } },
            "no buyer country" => complete with { Recipient = complete.Recipient! with { Address = complete.Recipient.Address! with { Country = null } } },
            "no net and a line without net" => (complete with { Totals = complete.Totals with { Net = null } }).WithLine(1, l => l with { Net = null }),
            "no net" => complete with { Totals = complete.Totals with { Net = null } },
            "no gross" => complete with { Totals = complete.Totals with { Gross = null } },
            "no due" => complete with { Totals = complete.Totals with { Due = null } },
            "no lines" => complete with { Lines = [] },
            "a line without quantity" => complete.WithLine(1, l => l with { Quantity = null }),
            "a line without unit" => complete.WithLine(1, l => l with { Unit = null }),
            "a line without net" => complete.WithLine(1, l => l with { Net = null }),
            "a line without name" => complete.WithLine(1, l => l with { Description = null }),
            "a line without price" => complete.WithLine(1, l => l with { UnitPrice = null }),
            "a line with a negative price" => complete.WithLine(1, l => l with { UnitPrice = -500.00m }),
            "a period ending before it starts" => complete with { Period = new InvoicePeriod(new DateOnly(2026, 10, 31), new DateOnly(2026, 10, 1)) },
            "a delivery address without country" => complete with { DeliveryAddress = complete.DeliveryAddress! with { Country = null } },
            "a seller electronic address without scheme" => complete with { Issuer = complete.Issuer! with { ElectronicAddress = new ElectronicAddress(null, "913456782") } },
            "a buyer electronic address without scheme" => complete with { Recipient = complete.Recipient! with { ElectronicAddress = new ElectronicAddress(null, "998877665") } },
            _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
        };
    }
}
