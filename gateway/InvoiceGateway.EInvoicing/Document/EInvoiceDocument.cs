using InvoiceGateway.Contracts;

namespace InvoiceGateway.EInvoicing.Document;

/// <summary>
/// The invoice as EN 16931 sees it: business terms (BT) and groups (BG) read from one canonical invoice, with the
/// owner's side completed. Both the UBL writer and the rules read this one view, so the verdict is always about the
/// document that is written. Nothing here is invented: a term the source did not give is <c>null</c>.
/// </summary>
internal sealed record EInvoiceDocument
{
    /// <summary>Invoice (380) or credit note (381) [BT-3].</summary>
    public InvoiceKind Kind { get; init; }

    /// <summary>Invoice number [BT-1].</summary>
    public string? Number { get; init; }

    /// <summary>Issue date [BT-2].</summary>
    public DateOnly? IssueDate { get; init; }

    /// <summary>Payment due date [BT-9].</summary>
    public DateOnly? DueDate { get; init; }

    /// <summary>Invoice currency code [BT-5].</summary>
    public string? Currency { get; init; }

    /// <summary>Invoice note [BT-22].</summary>
    public string? Note { get; init; }

    /// <summary>Buyer reference [BT-10].</summary>
    public string? BuyerReference { get; init; }

    /// <summary>Purchase order reference [BT-13].</summary>
    public string? PurchaseOrder { get; init; }

    /// <summary>Sales order reference [BT-14].</summary>
    public string? SalesOrder { get; init; }

    /// <summary>Payment terms [BT-20].</summary>
    public string? PaymentTerms { get; init; }

    /// <summary>Invoicing period [BG-14].</summary>
    public InvoicePeriod? Period { get; init; }

    /// <summary>Actual delivery date [BT-72].</summary>
    public DateOnly? DeliveryDate { get; init; }

    /// <summary>Deliver to address [BG-15].</summary>
    public PostalAddress? DeliveryAddress { get; init; }

    /// <summary>Seller [BG-4].</summary>
    public Party? Seller { get; init; }

    /// <summary>Buyer [BG-7].</summary>
    public Party? Buyer { get; init; }

    /// <summary>Payment instructions [BG-16].</summary>
    public PaymentInstructions? Payment { get; init; }

    /// <summary>Invoice lines [BG-25].</summary>
    public IReadOnlyList<DocumentLine> Lines { get; init; } = [];

    /// <summary>VAT breakdown [BG-23], one row per category and rate of the categorized lines.</summary>
    public IReadOnlyList<VatBreakdown> VatBreakdown { get; init; } = [];

    /// <summary>Sum of invoice line net amounts [BT-106].</summary>
    public decimal? LineNetTotal { get; init; }

    /// <summary>Invoice total amount without VAT [BT-109].</summary>
    public decimal? TaxExclusiveTotal { get; init; }

    /// <summary>Invoice total VAT amount [BT-110].</summary>
    public decimal? TaxTotal { get; init; }

    /// <summary>Invoice total amount with VAT [BT-112].</summary>
    public decimal? TaxInclusiveTotal { get; init; }

    /// <summary>Paid amount [BT-113].</summary>
    public decimal? PaidAmount { get; init; }

    /// <summary>Amount due for payment [BT-115].</summary>
    public decimal? AmountDue { get; init; }

    /// <summary>Reads the document from a canonical invoice, completing the owner's side with <paramref name="owner"/>.</summary>
    public static EInvoiceDocument From(Invoice invoice, Party? owner = null)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var (seller, buyer) = OwnerSide.Parties(invoice, owner);
        var lines = invoice.Lines.Select(DocumentLine.From).ToArray();
        var totals = invoice.Totals;
        return new EInvoiceDocument
        {
            Kind = invoice.Kind,
            Number = invoice.Number,
            IssueDate = invoice.IssueDate,
            DueDate = invoice.DueDate,
            Currency = string.IsNullOrWhiteSpace(invoice.Currency) ? null : invoice.Currency,
            Note = invoice.Notes,
            BuyerReference = invoice.References.BuyerReference,
            PurchaseOrder = invoice.References.PurchaseOrder,
            SalesOrder = invoice.References.Order,
            Period = invoice.Period is { Start: null, End: null } ? null : invoice.Period,
            DeliveryDate = invoice.DeliveryDate,
            DeliveryAddress = invoice.DeliveryAddress,
            PaymentTerms = invoice.PaymentTerms,
            Seller = seller,
            Buyer = buyer,
            Payment = invoice.Payment,
            Lines = lines,
            VatBreakdown = Breakdown(lines),

            // The header's own net is the line total it states; BR-CO-10 then tells when the lines do not add up to it.
            LineNetTotal = totals.Net ?? (lines.Length > 0 && lines.All(l => l.Net is not null) ? lines.Sum(l => l.Net!.Value) : null),
            TaxExclusiveTotal = totals.Net,
            TaxTotal = totals.Tax,
            TaxInclusiveTotal = totals.Gross,
            PaidAmount = totals.Paid ?? PaidFromBalance(invoice),
            AmountDue = totals.Due,
        };
    }

    /// <summary>
    /// What the source's own figures say was paid when it gives a balance but no paid amount: a paid or partly paid
    /// invoice whose gross exceeds what is still due. Not when something was credited, which also lowers the balance.
    /// </summary>
    private static decimal? PaidFromBalance(Invoice invoice)
    {
        var totals = invoice.Totals;
        return invoice.Status is InvoiceStatus.Paid or InvoiceStatus.PartiallyPaid
            && totals is { Gross: { } gross, Due: { } due, Credited: null or 0 } && gross > due
                ? gross - due
                : null;
    }

    private static VatBreakdown[] Breakdown(IEnumerable<DocumentLine> lines) =>
        lines.Where(l => l.Category is not null && l.Net is not null)
            .GroupBy(l => l.Category!)
            .Select(group =>
            {
                var taxable = group.Sum(l => l.Net!.Value);
                var tax = group.All(l => l.Tax is not null)
                    ? group.Sum(l => l.Tax!.Value)
                    : decimal.Round(taxable * group.Key.Rate!.Value / 100m, 2, MidpointRounding.AwayFromZero);
                return new VatBreakdown(group.Key, taxable, tax);
            })
            .OrderBy(row => row.Category.Code, StringComparer.Ordinal)
            .ThenByDescending(row => row.Category.Rate)
            .ToArray();
}

/// <summary>One invoice line [BG-25] as EN 16931 sees it.</summary>
internal sealed record DocumentLine
{
    /// <summary>Where the line is in the canonical invoice (0-based), for the rule results' field paths.</summary>
    public required int Index { get; init; }

    /// <summary>Invoice line identifier [BT-126]: the source's line number, else the line's place in the document.</summary>
    public required string Id { get; init; }

    /// <summary>Invoiced quantity [BT-129].</summary>
    public decimal? Quantity { get; init; }

    /// <summary>Invoiced quantity unit of measure code [BT-130], converted to UN/ECE Recommendation 20 where the source wrote a known word.</summary>
    public string? Unit { get; init; }

    /// <summary>Invoice line net amount [BT-131].</summary>
    public decimal? Net { get; init; }

    /// <summary>The line's tax as the source gave it (used for BT-117).</summary>
    public decimal? Tax { get; init; }

    /// <summary>Item name [BT-153].</summary>
    public string? Name { get; init; }

    /// <summary>Item seller's identifier [BT-155].</summary>
    public string? SellerItemId { get; init; }

    /// <summary>Item net price [BT-146].</summary>
    public decimal? UnitPrice { get; init; }

    /// <summary>Line discount in percent (written as a line allowance [BG-27]).</summary>
    public decimal? DiscountPercent { get; init; }

    /// <summary>The VAT rate the source gave, whatever it is.</summary>
    public decimal? TaxRate { get; init; }

    /// <summary>Invoiced item VAT category and rate [BT-151, BT-152]; <c>null</c> when the source does not tell.</summary>
    public VatCategory? Category { get; init; }

    public string Field => $"lines[{Index}]";

    public static DocumentLine From(InvoiceLine line, int index) => new()
    {
        Index = index,
        Id = (line.Position ?? index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Quantity = line.Quantity,
        Unit = UnitCodes.ToRec20(line.Unit),
        Net = line.Net,
        Tax = line.Tax,
        Name = line.Description,
        SellerItemId = line.Code,
        UnitPrice = line.UnitPrice,
        DiscountPercent = line.DiscountPercent is 0 ? null : line.DiscountPercent,
        TaxRate = line.TaxRate,
        Category = VatCategory.FromRate(line.TaxRate),
    };
}
