using InvoiceGateway.Contracts;

namespace InvoiceGateway.EInvoicing.Tests;

/// <summary>Canonical invoices to export: one with every term EN 16931 needs, and ways to take terms away.</summary>
internal static class Invoices
{
    public static readonly Party Seller = new()
    {
        Name = "Nordlys Regnskap AS",
        OrganizationNumber = "913456782",
        OrganizationScheme = "0192",
        VatNumber = "NO913456782MVA",
        ElectronicAddress = new ElectronicAddress("0192", "913456782"),
        Email = "faktura@nordlysregnskap.no",
        Address = new PostalAddress("Storgata 12", null, "0155", "OSLO", "NO"),
    };

    public static readonly Party Buyer = new()
    {
        Name = "Havblikk AS",
        OrganizationNumber = "998877665",
        VatNumber = "NO998877665MVA",
        ElectronicAddress = new ElectronicAddress("0192", "998877665"),
        Address = new PostalAddress("Strandkaien 3", "2. etasje", "5003", "BERGEN", "NO"),
    };

    /// <summary>
    /// Two lines at 25 %, one at 15 % with a 10 % discount: net 1000 + 500 + 900 = 2400, tax 250 + 125 + 135 = 510,
    /// gross 2910, nothing paid yet.
    /// </summary>
    public static Invoice Complete(InvoiceKind kind = InvoiceKind.Invoice) => new()
    {
        Id = "test:1001",
        Source = "test",
        SourceId = "1001",
        Number = "1001",
        Kind = kind,
        Direction = InvoiceDirection.Receivable,
        Status = InvoiceStatus.Open,
        IssueDate = new DateOnly(2026, 11, 2),
        DueDate = new DateOnly(2026, 11, 16),
        DeliveryDate = new DateOnly(2026, 10, 30),
        DeliveryAddress = new PostalAddress("Kaiveien 7", null, "5003", "BERGEN", "NO"),
        PaymentTerms = "14 dager netto",
        Currency = "NOK",
        Totals = new InvoiceTotals(Net: 2400.00m, Tax: 510.00m, Gross: 2910.00m, Due: 2910.00m),
        Issuer = Seller,
        Recipient = Buyer,
        Payment = new PaymentInstructions(AccountNumber: "15032245871", Reference: "0034246611"),
        References = new InvoiceReferences(Order: "order_152", PurchaseOrder: "PO-7781", BuyerReference: "Kari Nordmann"),
        Period = new InvoicePeriod(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)),
        Notes = "Takk for handelen!",
        Lines =
        [
            new InvoiceLine { Position = 1, Code = "KONS", Description = "Konsulenttimer", Quantity = 8, Unit = "HUR", UnitPrice = 125.00m, TaxRate = 25, Net = 1000.00m, Tax = 250.00m, Gross = 1250.00m },
            new InvoiceLine { Position = 2, Code = "LIS", Description = "Lisens, månedlig", Quantity = 1, Unit = "C62", UnitPrice = 500.00m, TaxRate = 25, Net = 500.00m, Tax = 125.00m, Gross = 625.00m },
            new InvoiceLine { Position = 3, Code = "MAT", Description = "Materialer", Quantity = 10, Unit = "H87", UnitPrice = 100.00m, DiscountPercent = 10, TaxRate = 15, Net = 900.00m, Tax = 135.00m, Gross = 1035.00m },
        ],
    };

    public static Invoice WithLine(this Invoice invoice, int index, Func<InvoiceLine, InvoiceLine> change) =>
        invoice with { Lines = invoice.Lines.Select((line, i) => i == index ? change(line) : line).ToArray() };
}
