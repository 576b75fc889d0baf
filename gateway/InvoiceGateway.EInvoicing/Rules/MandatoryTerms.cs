namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>
/// The mandatory business terms (BR-02 to BR-16, BR-22 to BR-26) a canonical invoice can lack. BR-01 and BR-04 are
/// always met (the writer states the specification and the type code), as is BR-21 (a line without a number is
/// identified by its place in the document).
/// </summary>
internal static class MandatoryTerms
{
    public static readonly En16931Rule Br02 = new MandatoryTerm(
        "BR-02", "number", "An Invoice shall have an Invoice number (BT-1).", d => !string.IsNullOrWhiteSpace(d.Number));

    public static readonly En16931Rule Br03 = new MandatoryTerm(
        "BR-03", "issueDate", "An Invoice shall have an Invoice issue date (BT-2).", d => d.IssueDate is not null);

    public static readonly En16931Rule Br05 = new MandatoryTerm(
        "BR-05", "currency", "An Invoice shall have an Invoice currency code (BT-5).", d => d.Currency is not null);

    public static readonly En16931Rule Br06 = new MandatoryTerm(
        "BR-06", "issuer.name", "An Invoice shall contain the Seller name (BT-27).", d => !string.IsNullOrWhiteSpace(d.Seller?.Name));

    public static readonly En16931Rule Br07 = new MandatoryTerm(
        "BR-07", "recipient.name", "An Invoice shall contain the Buyer name (BT-44).", d => !string.IsNullOrWhiteSpace(d.Buyer?.Name));

    public static readonly En16931Rule Br08 = new MandatoryTerm(
        "BR-08", "issuer.address", "An Invoice shall contain the Seller postal address (BG-5).", d => d.Seller?.Address is not null);

    public static readonly En16931Rule Br09 = new MandatoryTerm(
        "BR-09", "issuer.address.country", "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).",
        d => d.Seller?.Address is null || !string.IsNullOrWhiteSpace(d.Seller.Address.Country));

    public static readonly En16931Rule Br10 = new MandatoryTerm(
        "BR-10", "recipient.address", "An Invoice shall contain the Buyer postal address (BG-8).", d => d.Buyer?.Address is not null);

    public static readonly En16931Rule Br11 = new MandatoryTerm(
        "BR-11", "recipient.address.country", "The Buyer postal address shall contain a Buyer country code (BT-55).",
        d => d.Buyer?.Address is null || !string.IsNullOrWhiteSpace(d.Buyer.Address.Country));

    public static readonly En16931Rule Br12 = new MandatoryTerm(
        "BR-12", "totals.net", "An Invoice shall have the Sum of Invoice line net amount (BT-106).", d => d.LineNetTotal is not null);

    public static readonly En16931Rule Br13 = new MandatoryTerm(
        "BR-13", "totals.net", "An Invoice shall have the Invoice total amount without VAT (BT-109).", d => d.TaxExclusiveTotal is not null);

    public static readonly En16931Rule Br14 = new MandatoryTerm(
        "BR-14", "totals.gross", "An Invoice shall have the Invoice total amount with VAT (BT-112).", d => d.TaxInclusiveTotal is not null);

    public static readonly En16931Rule Br15 = new MandatoryTerm(
        "BR-15", "totals.due", "An Invoice shall have the Amount due for payment (BT-115).", d => d.AmountDue is not null);

    public static readonly En16931Rule Br16 = new MandatoryTerm(
        "BR-16", "lines", "An Invoice shall have at least one Invoice line (BG-25).", d => d.Lines.Count > 0);

    public static readonly En16931Rule Br22 = new MandatoryLineTerm(
        "BR-22", "quantity", "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).", l => l.Quantity is not null);

    public static readonly En16931Rule Br23 = new MandatoryLineTerm(
        "BR-23", "unit", "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).",
        l => !string.IsNullOrWhiteSpace(l.Unit));

    public static readonly En16931Rule Br24 = new MandatoryLineTerm(
        "BR-24", "net", "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).", l => l.Net is not null);

    public static readonly En16931Rule Br25 = new MandatoryLineTerm(
        "BR-25", "description", "Each Invoice line (BG-25) shall contain the Item name (BT-153).", l => !string.IsNullOrWhiteSpace(l.Name));

    public static readonly En16931Rule Br26 = new MandatoryLineTerm(
        "BR-26", "unitPrice", "Each Invoice line (BG-25) shall contain the Item net price (BT-146).", l => l.UnitPrice is not null);

    public static readonly En16931Rule Br27 = new MandatoryLineTerm(
        "BR-27", "unitPrice", "The Item net price (BT-146) shall NOT be negative (nor absent).", l => l.UnitPrice is >= 0);

    public static readonly En16931Rule Br29 = new MandatoryTerm(
        "BR-29", "period.end",
        "If both Invoicing period start date (BT-73) and Invoicing period end date (BT-74) are given then the end date shall be later or equal to the start date.",
        d => d.Period is not { Start: { } start, End: { } end } || end >= start);

    public static readonly En16931Rule Br57 = new MandatoryTerm(
        "BR-57", "deliveryAddress.country", "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).",
        d => d.DeliveryAddress is null || !string.IsNullOrWhiteSpace(d.DeliveryAddress.Country));

    public static readonly En16931Rule Br62 = new MandatoryTerm(
        "BR-62", "issuer.electronicAddress.scheme", "The Seller electronic address (BT-34) shall have a Scheme identifier.",
        d => d.Seller?.ElectronicAddress?.Value is null || !string.IsNullOrWhiteSpace(d.Seller.ElectronicAddress.Scheme));

    public static readonly En16931Rule Br63 = new MandatoryTerm(
        "BR-63", "recipient.electronicAddress.scheme", "The Buyer electronic address (BT-49) shall have a Scheme identifier.",
        d => d.Buyer?.ElectronicAddress?.Value is null || !string.IsNullOrWhiteSpace(d.Buyer.ElectronicAddress.Scheme));

    public static IEnumerable<En16931Rule> All =>
        [Br02, Br03, Br05, Br06, Br07, Br08, Br09, Br10, Br11, Br12, Br13, Br14, Br15, Br16, Br22, Br23, Br24, Br25, Br26, Br27, Br29, Br57, Br62, Br63];
}
