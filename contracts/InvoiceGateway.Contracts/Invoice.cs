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

    /// <summary>Invoice or credit note [BT-3: 380 / 381].</summary>
    public InvoiceKind Kind { get; init; } = InvoiceKind.Invoice;

    /// <summary>Payable: the gateway's owner pays it. Receivable: the owner is paid.</summary>
    public InvoiceDirection Direction { get; init; }

    /// <summary>The normalized status.</summary>
    public InvoiceStatus Status { get; init; } = InvoiceStatus.Unknown;

    /// <summary>The upstream's own status or type value, untouched.</summary>
    public string? SourceStatus { get; init; }

    /// <summary>Issue date [BT-2].</summary>
    public DateOnly? IssueDate { get; init; }

    /// <summary>Payment due date [BT-9].</summary>
    public DateOnly? DueDate { get; init; }

    /// <summary>Actual delivery date [BT-72].</summary>
    public DateOnly? DeliveryDate { get; init; }

    /// <summary>When the invoice was paid, in UTC.</summary>
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>When the upstream created the record, in UTC.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the upstream last changed the record, in UTC.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>ISO 4217 currency code [BT-5].</summary>
    public required string Currency { get; init; }

    /// <summary>Document totals [BG-22].</summary>
    public InvoiceTotals Totals { get; init; } = InvoiceTotals.Empty;

    /// <summary>Early payment discount (skonto), when offered.</summary>
    public EarlyPaymentDiscount? EarlyPaymentDiscount { get; init; }

    /// <summary>The seller [BG-4].</summary>
    public Party? Issuer { get; init; }

    /// <summary>The buyer [BG-7].</summary>
    public Party? Recipient { get; init; }

    /// <summary>Payment instructions [BG-16].</summary>
    public PaymentInstructions? Payment { get; init; }

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

    /// <summary>The upstream payload, serialized only when a client asks for <c>include=raw</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Raw { get; init; }

    /// <summary>Builds the canonical id of an invoice.</summary>
    public static string MakeId(string source, string sourceId) => string.Concat(source, ":", sourceId);
}

/// <summary>Invoice [380] or credit note [381].</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceKind>))]
public enum InvoiceKind
{
    /// <summary>Commercial invoice, type code 380.</summary>
    [JsonStringEnumMemberName("invoice")]
    Invoice,

    /// <summary>Credit note, type code 381.</summary>
    [JsonStringEnumMemberName("creditNote")]
    CreditNote,
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

/// <summary>The normalized life-cycle state of an invoice.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceStatus>))]
public enum InvoiceStatus
{
    /// <summary>Not yet sent or issued.</summary>
    [JsonStringEnumMemberName("draft")]
    Draft,

    /// <summary>Issued, not paid, not past its due date.</summary>
    [JsonStringEnumMemberName("open")]
    Open,

    /// <summary>Not paid and past its due date.</summary>
    [JsonStringEnumMemberName("overdue")]
    Overdue,

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

    /// <summary>Legal registration identifier [BT-30 / BT-47].</summary>
    public string? OrganizationNumber { get; init; }

    /// <summary>VAT identifier [BT-31 / BT-48].</summary>
    public string? VatNumber { get; init; }

    /// <summary>The party's customer number at the seller.</summary>
    public string? CustomerNumber { get; init; }

    /// <summary>E-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>Telephone number.</summary>
    public string? Phone { get; init; }

    /// <summary>Web site.</summary>
    public string? Website { get; init; }

    /// <summary>Postal address [BG-5 / BG-8].</summary>
    public PostalAddress? Address { get; init; }
}

/// <summary>A postal address.</summary>
/// <param name="Line1">Address line 1.</param>
/// <param name="Line2">Address line 2.</param>
/// <param name="PostalCode">Post code.</param>
/// <param name="City">City.</param>
/// <param name="Country">ISO 3166-1 alpha-2 code where known, else the upstream's value.</param>
public sealed record PostalAddress(
    string? Line1 = null,
    string? Line2 = null,
    string? PostalCode = null,
    string? City = null,
    string? Country = null);

/// <summary>Payment instructions [BG-16].</summary>
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

    /// <summary>Discount in percent.</summary>
    public decimal? DiscountPercent { get; init; }

    /// <summary>VAT rate in percent [BT-152].</summary>
    public decimal? TaxRate { get; init; }

    /// <summary>Line net amount [BT-131].</summary>
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

    /// <summary>The upstream status value is not one the adapter knows.</summary>
    public const string UnknownStatus = "unknown_status";

    /// <summary>A field was present but could not be understood.</summary>
    public const string UnparsedValue = "unparsed_value";
}
