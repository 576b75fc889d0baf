using System.Text.Json;
using System.Text.Json.Serialization;

namespace InvoiceGateway.Contracts;

/// <summary>
/// The canonical invoice: one upstream invoice normalized to EN 16931 meanings.
/// Every property is always serialized; unknown values are <c>null</c>, collections are empty.
/// </summary>
public sealed record Invoice
{
    /// <summary><c>{source}:{sourceId}</c>, where source is the configured source name.</summary>
    public required string Id { get; init; }

    /// <summary>The configured source name.</summary>
    public required string Source { get; init; }

    /// <summary>The upstream's own identifier of the invoice.</summary>
    public required string SourceId { get; init; }

    /// <summary>Invoice number [BT-1].</summary>
    public string? Number { get; init; }

    /// <summary>Invoice, credit note [BT-3: 380 / 381] or reminder (a notice about another invoice, not a new debt).</summary>
    public InvoiceKind Kind { get; init; } = InvoiceKind.Invoice;

    /// <summary>Payable: the gateway's owner pays it. Receivable: the owner is paid.</summary>
    public InvoiceDirection Direction { get; init; }

    /// <summary>The document's payment state, as the source tells it (never "overdue": see <see cref="Overdue"/>).</summary>
    public InvoiceStatus Status { get; init; } = InvoiceStatus.Unknown;

    /// <summary>
    /// Past its due date and not settled; computed when served (it changes with the date, not with the data),
    /// see <see cref="DaysOverdueOn(DateOnly)"/>. Adapters leave it <c>false</c>.
    /// </summary>
    public bool Overdue { get; init; }

    /// <summary>Whole days past <see cref="DueDate"/> when <see cref="Overdue"/>, else <c>null</c>; computed when served.</summary>
    public int? DaysOverdue { get; init; }

    /// <summary>The upstream's own status or type value, untouched.</summary>
    public string? SourceStatus { get; init; }

    /// <summary>Issue date [BT-2].</summary>
    public DateOnly? IssueDate { get; init; }

    /// <summary>Payment due date [BT-9].</summary>
    public DateOnly? DueDate { get; init; }

    /// <summary>Actual delivery date [BT-72].</summary>
    public DateOnly? DeliveryDate { get; init; }

    /// <summary>
    /// The day the order this invoice bills was placed, when the source tells. EN 16931 has no term for it
    /// (BT-13/BT-14 are the order's references); named like the other dates.
    /// </summary>
    public DateOnly? OrderDate { get; init; }

    /// <summary>
    /// The day the (latest) payment reminder about this invoice was sent, when the source tells; no EN 16931 term.
    /// A reminder that is a document of its own is an invoice of kind <see cref="InvoiceKind.Reminder"/> instead.
    /// </summary>
    public DateOnly? ReminderDate { get; init; }

    /// <summary>The day the invoice was paid, when the source tells (a date without a time).</summary>
    public DateOnly? PaidOn { get; init; }

    /// <summary>When the invoice was paid, in UTC; only when the source gives a time (a date alone goes to <see cref="PaidOn"/>).</summary>
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>When the upstream created the record, in UTC.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the upstream last changed the record, in UTC.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>When the gateway first saw this content of the invoice, in UTC; <c>null</c> until the gateway tracks changes.</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>Payment terms [BT-20].</summary>
    public string? PaymentTerms { get; init; }

    /// <summary>
    /// ISO 4217 currency code [BT-5]: the payload's, else the source's configured one, else the adapter's
    /// documented default; <c>null</c> (with warning <see cref="WarningCodes.CurrencyMissing"/>) when none is known.
    /// </summary>
    public string? Currency { get; init; }

    /// <summary>Document totals [BG-22].</summary>
    public InvoiceTotals Totals { get; init; } = InvoiceTotals.Empty;

    /// <summary>Early payment discount (skonto), when offered.</summary>
    public EarlyPaymentDiscount? EarlyPaymentDiscount { get; init; }

    /// <summary>The seller [BG-4].</summary>
    public Party? Issuer { get; init; }

    /// <summary>The buyer [BG-7].</summary>
    public Party? Recipient { get; init; }

    /// <summary>Where the goods or services were delivered [BG-15].</summary>
    public PostalAddress? DeliveryAddress { get; init; }

    /// <summary>Payment instructions [BG-16].</summary>
    public PaymentInstructions? Payment { get; init; }

    /// <summary>Accounting splits the source gives (cost centres, ledger accounts).</summary>
    public IReadOnlyList<InvoiceAllocation> Allocations { get; init; } = [];

    /// <summary>References to orders, contracts and other documents.</summary>
    public InvoiceReferences References { get; init; } = InvoiceReferences.Empty;

    /// <summary>Invoicing period [BG-14].</summary>
    public InvoicePeriod? Period { get; init; }

    /// <summary>Invoice lines [BG-25].</summary>
    public IReadOnlyList<InvoiceLine> Lines { get; init; } = [];

    /// <summary>Invoice note [BT-22].</summary>
    public string? Notes { get; init; }

    /// <summary>What normalizing found inconsistent.</summary>
    public IReadOnlyList<InvoiceWarning> Warnings { get; init; } = [];

    /// <summary>The upstream payload (its UTF-8 JSON), serialized only when a client asks for <c>include=raw</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RawJson? Raw { get; init; }

    /// <summary>Builds the canonical id of an invoice.</summary>
    public static string MakeId(string source, string sourceId) => string.Concat(source, ":", sourceId);

    /// <summary>
    /// Whole days this invoice is overdue on <paramref name="today"/>, or <c>null</c> when it is not overdue:
    /// only an <see cref="InvoiceKind.Invoice"/> that is <see cref="InvoiceStatus.Open"/> or
    /// <see cref="InvoiceStatus.PartiallyPaid"/>, with something due (an unknown due counts as outstanding),
    /// and whose due date is before <paramref name="today"/>. A credit note or a reminder is never overdue.
    /// </summary>
    /// <param name="today">The current day in the gateway's time zone.</param>
    /// <returns>Days past the due date (at least 1), or <c>null</c>.</returns>
    public int? DaysOverdueOn(DateOnly today) =>
        Kind == InvoiceKind.Invoice
        && Status is InvoiceStatus.Open or InvoiceStatus.PartiallyPaid
        && Totals.Due != 0m
        && DueDate is { } due
        && due < today
            ? today.DayNumber - due.DayNumber
            : null;

    /// <summary>This invoice with <see cref="Overdue"/> and <see cref="DaysOverdue"/> as of <paramref name="today"/>.</summary>
    /// <param name="today">The current day in the gateway's time zone.</param>
    /// <returns>The invoice, the same instance when nothing changes.</returns>
    public Invoice AsOf(DateOnly today)
    {
        var days = DaysOverdueOn(today);
        return days == DaysOverdue && Overdue == days.HasValue ? this : this with { Overdue = days.HasValue, DaysOverdue = days };
    }
}

/// <summary>Invoice [380], credit note [381] or reminder.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceKind>))]
public enum InvoiceKind
{
    /// <summary>Commercial invoice, type code 380.</summary>
    [JsonStringEnumMemberName("invoice")]
    Invoice,

    /// <summary>Credit note, type code 381.</summary>
    [JsonStringEnumMemberName("creditNote")]
    CreditNote,

    /// <summary>A payment reminder about another invoice: not a new debt, never counted as a payable of its own.</summary>
    [JsonStringEnumMemberName("reminder")]
    Reminder,
}

/// <summary>Which way the money flows, seen from the gateway's owner.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceDirection>))]
public enum InvoiceDirection
{
    /// <summary>The owner pays it (accounts payable).</summary>
    [JsonStringEnumMemberName("payable")]
    Payable,

    /// <summary>The owner is paid (accounts receivable).</summary>
    [JsonStringEnumMemberName("receivable")]
    Receivable,
}

/// <summary>The normalized payment state of an invoice. Being past the due date is not a state: see <see cref="Invoice.Overdue"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceStatus>))]
public enum InvoiceStatus
{
    /// <summary>Not yet sent or issued.</summary>
    [JsonStringEnumMemberName("draft")]
    Draft,

    /// <summary>Issued and not paid (whether or not past its due date).</summary>
    [JsonStringEnumMemberName("open")]
    Open,

    /// <summary>Some but not all of it is paid.</summary>
    [JsonStringEnumMemberName("partiallyPaid")]
    PartiallyPaid,

    /// <summary>Fully paid.</summary>
    [JsonStringEnumMemberName("paid")]
    Paid,

    /// <summary>Cancelled, rejected or voided.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>The upstream status is not one the adapter knows; see <see cref="Invoice.SourceStatus"/>.</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>Document totals. Amounts are kept exactly as the upstream gave them.</summary>
/// <param name="Net">Sum of amounts without tax [BT-109].</param>
/// <param name="Tax">Total tax [BT-110].</param>
/// <param name="Gross">Total with tax [BT-112].</param>
/// <param name="Paid">Amount already paid [BT-113].</param>
/// <param name="Due">Amount due for payment [BT-115].</param>
/// <param name="MinimumDue">Smallest amount the payee accepts (e.g. a credit card minimum).</param>
/// <param name="Credited">Amount credited by credit notes.</param>
public sealed record InvoiceTotals(
    decimal? Net = null,
    decimal? Tax = null,
    decimal? Gross = null,
    decimal? Paid = null,
    decimal? Due = null,
    decimal? MinimumDue = null,
    decimal? Credited = null)
{
    /// <summary>Totals with every amount unknown.</summary>
    public static InvoiceTotals Empty { get; } = new();
}

/// <summary>An early payment discount (skonto).</summary>
/// <param name="Until">Last day the discount applies.</param>
/// <param name="Amount">Discount amount.</param>
/// <param name="Rate">Discount rate in percent.</param>
public sealed record EarlyPaymentDiscount(DateOnly? Until = null, decimal? Amount = null, decimal? Rate = null);

/// <summary>A seller [BG-4] or buyer [BG-7].</summary>
public sealed record Party
{
    /// <summary>Name [BT-27 / BT-44].</summary>
    public string? Name { get; init; }

    /// <summary>Legal registration identifier [BT-30 / BT-47], digits only for a Norwegian one (e.g. <c>918713867</c>).</summary>
    public string? OrganizationNumber { get; init; }

    /// <summary>ISO 6523 ICD scheme of <see cref="OrganizationNumber"/> when known, e.g. <c>0192</c> (Norway).</summary>
    public string? OrganizationScheme { get; init; }

    /// <summary>VAT identifier [BT-31 / BT-48], e.g. <c>NO918713867MVA</c>.</summary>
    public string? VatNumber { get; init; }

    /// <summary>Electronic address [BT-34 / BT-49].</summary>
    public ElectronicAddress? ElectronicAddress { get; init; }

    /// <summary>The party's customer number at the seller.</summary>
    public string? CustomerNumber { get; init; }

    /// <summary>E-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>Telephone number [BT-42 / BT-57 contact telephone].</summary>
    public string? Phone { get; init; }

    /// <summary>Mobile telephone number, when the source gives one besides (or instead of) <see cref="Phone"/>; no EN 16931 term of its own.</summary>
    public string? Mobile { get; init; }

    /// <summary>Web site.</summary>
    public string? Website { get; init; }

    /// <summary>Postal address [BG-5 / BG-8].</summary>
    public PostalAddress? Address { get; init; }
}

/// <summary>An electronic address [BT-34 / BT-49], e.g. a Peppol participant id.</summary>
/// <param name="Scheme">Scheme identifier (e.g. <c>0192</c>, <c>EM</c> for e-mail).</param>
/// <param name="Value">The address.</param>
public sealed record ElectronicAddress(string? Scheme = null, string? Value = null);

/// <summary>A postal address.</summary>
/// <param name="Line1">Address line 1.</param>
/// <param name="Line2">Address line 2.</param>
/// <param name="PostalCode">Post code.</param>
/// <param name="City">City.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code; a value that cannot be converted is kept as given and warned about.</param>
public sealed record PostalAddress(
    string? Line1 = null,
    string? Line2 = null,
    string? PostalCode = null,
    string? City = null,
    string? Country = null);

/// <summary>Payment instructions [BG-16]. <c>Iban</c> and <c>Bic</c> are always of the same account.</summary>
/// <param name="AccountNumber">Domestic bank account number.</param>
/// <param name="Iban">IBAN [BT-84].</param>
/// <param name="Bic">BIC [BT-86].</param>
/// <param name="Reference">Remittance reference such as a KID [BT-83].</param>
/// <param name="Link">A URL where the invoice can be paid.</param>
public sealed record PaymentInstructions(
    string? AccountNumber = null,
    string? Iban = null,
    string? Bic = null,
    string? Reference = null,
    string? Link = null);

/// <summary>An accounting split of the invoice the source gives.</summary>
/// <param name="Amount">Amount of this split.</param>
/// <param name="TaxRate">VAT rate in percent.</param>
/// <param name="CostCenter">Cost centre.</param>
/// <param name="LedgerAccount">General ledger account.</param>
/// <param name="Description">What the split is for.</param>
public sealed record InvoiceAllocation(
    decimal? Amount = null,
    decimal? TaxRate = null,
    string? CostCenter = null,
    string? LedgerAccount = null,
    string? Description = null);

/// <summary>References to other documents.</summary>
/// <param name="Order">Sales order reference [BT-14].</param>
/// <param name="PurchaseOrder">Purchase order reference [BT-13].</param>
/// <param name="BuyerReference">Buyer reference [BT-10].</param>
/// <param name="SellerReference">The seller's own reference (contact or case).</param>
/// <param name="EInvoice">Electronic invoice reference (e.g. eFaktura).</param>
/// <param name="External">Any other external identifier.</param>
public sealed record InvoiceReferences(
    string? Order = null,
    string? PurchaseOrder = null,
    string? BuyerReference = null,
    string? SellerReference = null,
    string? EInvoice = null,
    string? External = null)
{
    /// <summary>No references known.</summary>
    public static InvoiceReferences Empty { get; } = new();
}

/// <summary>Invoicing period [BG-14].</summary>
/// <param name="Start">First day [BT-73].</param>
/// <param name="End">Last day [BT-74].</param>
public sealed record InvoicePeriod(DateOnly? Start = null, DateOnly? End = null);

/// <summary>An invoice line [BG-25].</summary>
public sealed record InvoiceLine
{
    /// <summary>Line number [BT-126].</summary>
    public int? Position { get; init; }

    /// <summary>Item identifier [BT-155].</summary>
    public string? Code { get; init; }

    /// <summary>Item name or description [BT-153].</summary>
    public string? Description { get; init; }

    /// <summary>Invoiced quantity [BT-129].</summary>
    public decimal? Quantity { get; init; }

    /// <summary>Unit of measure [BT-130].</summary>
    public string? Unit { get; init; }

    /// <summary>Item net price [BT-146].</summary>
    public decimal? UnitPrice { get; init; }

    /// <summary>Discount in percent of quantity * unit price.</summary>
    public decimal? DiscountPercent { get; init; }

    /// <summary>VAT rate in percent [BT-152].</summary>
    public decimal? TaxRate { get; init; }

    /// <summary>Line net amount [BT-131]: quantity * unit price less the discount.</summary>
    public decimal? Net { get; init; }

    /// <summary>Line tax amount.</summary>
    public decimal? Tax { get; init; }

    /// <summary>Line amount with tax.</summary>
    public decimal? Gross { get; init; }
}

/// <summary>Something normalizing found inconsistent; the invoice is still served.</summary>
/// <param name="Code">Machine-readable code, e.g. <see cref="WarningCodes.NetExceedsGross"/>.</param>
/// <param name="Message">What was found, for people.</param>
public sealed record InvoiceWarning(string Code, string Message);

/// <summary>The warning codes the built-in adapters use.</summary>
public static class WarningCodes
{
    /// <summary>The net amount is larger than the gross amount.</summary>
    public const string NetExceedsGross = "net_exceeds_gross";

    /// <summary>Gross differs from net + tax by more than 0.01.</summary>
    public const string TotalsMismatch = "totals_mismatch";

    /// <summary>The lines' net amounts do not add up to the header's net (EN 16931 BR-CO-10), by more than 0.01.</summary>
    public const string LinesMismatch = "lines_mismatch";

    /// <summary>A line's net differs from quantity * unit price less its discount by more than 0.02.</summary>
    public const string LineMismatch = "line_mismatch";

    /// <summary>Some lines carry tax and some do not: the total tax is left unknown rather than a partial sum.</summary>
    public const string TaxIncomplete = "tax_incomplete";

    /// <summary>Neither the payload nor the source's configuration names a currency.</summary>
    public const string CurrencyMissing = "currency_missing";

    /// <summary>Lines are in another currency than the invoice.</summary>
    public const string CurrencyMixed = "currency_mixed";

    /// <summary>The upstream status value is not one the adapter knows.</summary>
    public const string UnknownStatus = "unknown_status";

    /// <summary>A field was present but could not be understood.</summary>
    public const string UnparsedValue = "unparsed_value";

    /// <summary>A country is neither an ISO 3166-1 code nor a country name the gateway knows; the value is kept as given.</summary>
    public const string CountryUnknown = "country_unknown";
}
