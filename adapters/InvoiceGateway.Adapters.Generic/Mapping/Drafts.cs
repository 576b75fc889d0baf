using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>The mutable invoice the compiled field bindings write into; turned into the immutable record once.</summary>
internal sealed class InvoiceDraft
{
    public string? SourceId { get; set; }

    public string? Number { get; set; }

    public InvoiceKind? Kind { get; set; }

    public InvoiceDirection? Direction { get; set; }

    public string? SourceStatus { get; set; }

    public DateOnly? IssueDate { get; set; }

    public DateOnly? DueDate { get; set; }

    public DateOnly? DeliveryDate { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public DateOnly? PaidOn { get; set; }

    public string? PaymentTerms { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? Currency { get; set; }

    public decimal? Net { get; set; }

    public decimal? Tax { get; set; }

    public decimal? Gross { get; set; }

    public decimal? Paid { get; set; }

    public decimal? Due { get; set; }

    public decimal? MinimumDue { get; set; }

    public decimal? Credited { get; set; }

    public DateOnly? DiscountUntil { get; set; }

    public decimal? DiscountAmount { get; set; }

    public decimal? DiscountRate { get; set; }

    public PartyDraft Issuer { get; } = new();

    public PartyDraft Recipient { get; } = new();

    public AddressDraft DeliveryAddress { get; } = new();

    public string? AccountNumber { get; set; }

    public string? Iban { get; set; }

    public string? Bic { get; set; }

    public string? PaymentReference { get; set; }

    public string? PaymentLink { get; set; }

    public string? OrderReference { get; set; }

    public string? PurchaseOrderReference { get; set; }

    public string? BuyerReference { get; set; }

    public string? SellerReference { get; set; }

    public string? EInvoiceReference { get; set; }

    public string? ExternalReference { get; set; }

    public DateOnly? PeriodStart { get; set; }

    public DateOnly? PeriodEnd { get; set; }

    public IReadOnlyList<InvoiceLine> Lines { get; set; } = [];

    /// <summary>The currency each line names (mapping key <c>lines.fields.currency</c>), in line order; null when none is mapped.</summary>
    public List<string?>? LineCurrencies { get; set; }

    public IReadOnlyList<InvoiceAllocation> Allocations { get; set; } = [];

    public TaxBreakdown AllocationsBreakdown { get; set; }

    public string? Notes { get; set; }

    public InvoiceTotals Totals() => Net is null && Tax is null && Gross is null && Paid is null && Due is null
                                     && MinimumDue is null && Credited is null
        ? InvoiceTotals.Empty
        : new InvoiceTotals(Net, Tax, Gross, Paid, Due, MinimumDue, Credited);

    public EarlyPaymentDiscount? EarlyPaymentDiscount() =>
        DiscountUntil is null && DiscountAmount is null && DiscountRate is null
            ? null
            : new EarlyPaymentDiscount(DiscountUntil, DiscountAmount, DiscountRate);

    public PaymentInstructions? Payment() =>
        AccountNumber is null && Iban is null && Bic is null && PaymentReference is null && PaymentLink is null
            ? null
            : new PaymentInstructions(AccountNumber, Iban, Bic, PaymentReference, PaymentLink);

    public InvoiceReferences References() =>
        OrderReference is null && PurchaseOrderReference is null && BuyerReference is null && SellerReference is null
        && EInvoiceReference is null && ExternalReference is null
            ? InvoiceReferences.Empty
            : new InvoiceReferences(OrderReference, PurchaseOrderReference, BuyerReference, SellerReference,
                EInvoiceReference, ExternalReference);

    public InvoicePeriod? Period() =>
        PeriodStart is null && PeriodEnd is null ? null : new InvoicePeriod(PeriodStart, PeriodEnd);

    /// <summary>Empties the draft for the next invoice (the lines and allocations given to an invoice are replaced, never changed).</summary>
    public void Clear()
    {
        SourceId = null;
        Number = null;
        Kind = null;
        Direction = null;
        SourceStatus = null;
        IssueDate = null;
        DueDate = null;
        DeliveryDate = null;
        PaidAt = null;
        PaidOn = null;
        PaymentTerms = null;
        CreatedAt = null;
        UpdatedAt = null;
        Currency = null;
        Net = null;
        Tax = null;
        Gross = null;
        Paid = null;
        Due = null;
        MinimumDue = null;
        Credited = null;
        DiscountUntil = null;
        DiscountAmount = null;
        DiscountRate = null;
        AccountNumber = null;
        Iban = null;
        Bic = null;
        PaymentReference = null;
        PaymentLink = null;
        OrderReference = null;
        PurchaseOrderReference = null;
        BuyerReference = null;
        SellerReference = null;
        EInvoiceReference = null;
        ExternalReference = null;
        PeriodStart = null;
        PeriodEnd = null;
        Lines = [];
        LineCurrencies = null;
        Allocations = [];
        AllocationsBreakdown = default;
        Notes = null;
        Issuer.Clear();
        Recipient.Clear();
        DeliveryAddress.Clear();
    }
}

/// <summary>The mutable party of an <see cref="InvoiceDraft"/>.</summary>
internal sealed class PartyDraft
{
    public string? Name { get; set; }

    public string? OrganizationNumber { get; set; }

    public string? OrganizationScheme { get; set; }

    public string? VatNumber { get; set; }

    public string? CustomerNumber { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Website { get; set; }

    public AddressDraft Address { get; } = new();

    public Party? ToParty()
    {
        var address = Address.ToAddress();
        if (address is null && Name is null && OrganizationNumber is null && OrganizationScheme is null && VatNumber is null
            && CustomerNumber is null && Email is null && Phone is null && Website is null)
        {
            return null;
        }

        // "976 967 631" → 976967631 (scheme 0192 when Norwegian), "NO 918713867 MVA" → number and VAT number: as every adapter does.
        var identity = OrganizationNumbers.Read(OrganizationNumber, address?.Country, OrganizationScheme);
        return new Party
        {
            Name = Name,
            OrganizationNumber = identity.OrganizationNumber,
            OrganizationScheme = identity.Scheme ?? OrganizationScheme,
            VatNumber = VatNumber ?? identity.VatNumber,
            CustomerNumber = CustomerNumber,
            Email = Email,
            Phone = Phone,
            Website = Website,
            Address = address,
        };
    }

    /// <summary>Empties the draft for the next invoice.</summary>
    public void Clear()
    {
        Name = null;
        OrganizationNumber = null;
        OrganizationScheme = null;
        VatNumber = null;
        CustomerNumber = null;
        Email = null;
        Phone = null;
        Website = null;
        Address.Clear();
    }
}

/// <summary>
/// The mutable postal address of a party or of the delivery. <see cref="Text"/> is the whole address on one line, as
/// many APIs send it; it fills the parts the mapping does not give.
/// </summary>
internal sealed class AddressDraft
{
    public string? Line1 { get; set; }

    public string? Line2 { get; set; }

    public string? PostalCode { get; set; }

    public string? City { get; set; }

    public string? Country { get; set; }

    public string? Text { get; set; }

    public PostalAddress? ToAddress()
    {
        if (Text is { } text && Line1 is null && Line2 is null && PostalCode is null && City is null)
        {
            (Line1, Line2, PostalCode, City) = OneLineAddress.Split(text);
        }

        return Line1 is null && Line2 is null && PostalCode is null && City is null && Country is null
            ? null
            : new PostalAddress(Line1, Line2, PostalCode, City, Country);
    }

    /// <summary>Empties the draft for the next invoice.</summary>
    public void Clear()
    {
        Line1 = null;
        Line2 = null;
        PostalCode = null;
        City = null;
        Country = null;
        Text = null;
    }
}

/// <summary>The mutable allocation the allocation bindings write into.</summary>
internal sealed class AllocationDraft
{
    public decimal? Amount { get; set; }

    public decimal? TaxRate { get; set; }

    public string? CostCenter { get; set; }

    public string? LedgerAccount { get; set; }

    public string? Description { get; set; }

    public InvoiceAllocation ToAllocation() => new(Amount, TaxRate, CostCenter, LedgerAccount, Description);

    /// <summary>Empties the draft for the next allocation.</summary>
    public void Clear()
    {
        Amount = null;
        TaxRate = null;
        CostCenter = null;
        LedgerAccount = null;
        Description = null;
    }
}

/// <summary>The mutable line the line bindings write into.</summary>
internal sealed class LineDraft
{
    public int? Position { get; set; }

    public string? Code { get; set; }

    public string? Description { get; set; }

    public decimal? Quantity { get; set; }

    public string? Unit { get; set; }

    public decimal? UnitPrice { get; set; }

    public decimal? DiscountPercent { get; set; }

    public decimal? TaxRate { get; set; }

    public decimal? Net { get; set; }

    public decimal? Tax { get; set; }

    public decimal? Gross { get; set; }

    /// <summary>The line's own currency, when the mapping names one; not part of the canonical line (checked against the invoice's).</summary>
    public string? Currency { get; set; }

    public void Clear()
    {
        Position = null;
        Code = null;
        Description = null;
        Quantity = null;
        Unit = null;
        UnitPrice = null;
        DiscountPercent = null;
        TaxRate = null;
        Net = null;
        Tax = null;
        Gross = null;
        Currency = null;
    }

    /// <summary>The line, with the third of net, tax and gross derived from the other two (as for the totals).</summary>
    public InvoiceLine ToLine()
    {
        var (net, tax, gross) = NetTaxGross.Complete(Net, Tax, Gross);
        return new InvoiceLine
        {
            Position = Position,
            Code = Code,
            Description = Description,
            Quantity = Quantity,
            Unit = Unit,
            UnitPrice = UnitPrice,
            DiscountPercent = DiscountPercent,
            TaxRate = TaxRate,
            Net = net,
            Tax = tax,
            Gross = gross,
        };
    }
}
