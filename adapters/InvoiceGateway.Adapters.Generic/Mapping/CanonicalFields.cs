using System.Collections.Frozen;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>What kind of value a canonical field holds; a converter must produce exactly this.</summary>
internal enum FieldType
{
    Text,
    Date,
    DateTime,
    Decimal,
    Integer,
    Kind,
    Direction,
    Boolean,
}

/// <summary>Writes one compiled value into a draft.</summary>
internal interface IBinding<in TDraft>
{
    void Apply(Entry entry, UpstreamValues values, TDraft draft);
}

/// <summary>A canonical field a mapping can fill.</summary>
internal abstract class FieldTarget<TDraft>(string name, FieldType type, string defaultConverter)
{
    /// <summary>The dotted canonical name, e.g. <c>totals.gross</c>.</summary>
    public string Name { get; } = name;

    public FieldType Type { get; } = type;

    /// <summary>The converter used when the mapping names none.</summary>
    public string DefaultConverter { get; } = defaultConverter;

    /// <summary>Binds a reader whose value type matches <see cref="Type"/> (checked by the loader).</summary>
    public abstract IBinding<TDraft> Bind(object reader);
}

internal sealed class FieldTarget<TDraft, T>(string name, FieldType type, string defaultConverter, Action<TDraft, T> set)
    : FieldTarget<TDraft>(name, type, defaultConverter)
{
    public override IBinding<TDraft> Bind(object reader) => new Binding((ValueReader<T>)reader, set);

    private sealed class Binding(ValueReader<T> reader, Action<TDraft, T> set) : IBinding<TDraft>
    {
        public void Apply(Entry entry, UpstreamValues values, TDraft draft) => set(draft, reader.Read(entry, values));
    }
}

/// <summary>The canonical fields a mapping's <c>fields</c> section may fill, by dotted name.</summary>
internal static class CanonicalFields
{
    /// <summary>The key of the status rules inside <c>fields</c>.</summary>
    public const string Status = "status";

    /// <summary>The key of the line mapping inside <c>fields</c>.</summary>
    public const string Lines = "lines";

    /// <summary>The key of the allocation mapping inside <c>fields</c>.</summary>
    public const string Allocations = "allocations";

    /// <summary>The key of the payment accounts inside <c>fields.payment</c>.</summary>
    public const string PaymentAccounts = "payment.accounts";

    /// <summary>Invoice fields by dotted name.</summary>
    public static FrozenDictionary<string, FieldTarget<InvoiceDraft>> Invoice { get; } = BuildInvoice();

    /// <summary>The objects of the invoice that group fields (<c>totals</c>, <c>issuer.address</c>, ...).</summary>
    public static FrozenSet<string> InvoiceGroups { get; } = new[]
    {
        "totals", "earlyPaymentDiscount", "issuer", "issuer.address", "recipient", "recipient.address", "deliveryAddress",
        "payment", "references", "period",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Line fields by name.</summary>
    public static FrozenDictionary<string, FieldTarget<LineDraft>> Line { get; } = BuildLine();

    /// <summary>Allocation fields by name.</summary>
    public static FrozenDictionary<string, FieldTarget<AllocationDraft>> Allocation { get; } = new FieldTarget<AllocationDraft>[]
    {
        new FieldTarget<AllocationDraft, decimal?>("amount", FieldType.Decimal, "decimal", (a, v) => a.Amount = v),
        new FieldTarget<AllocationDraft, decimal?>("taxRate", FieldType.Decimal, "decimal", (a, v) => a.TaxRate = v),
        new FieldTarget<AllocationDraft, string?>("costCenter", FieldType.Text, "string", (a, v) => a.CostCenter = v),
        new FieldTarget<AllocationDraft, string?>("ledgerAccount", FieldType.Text, "string", (a, v) => a.LedgerAccount = v),
        new FieldTarget<AllocationDraft, string?>("description", FieldType.Text, "string", (a, v) => a.Description = v),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The converter names, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> Converters { get; } =
    [
        "string", "int", "decimal", "date", "dateTime", "boolean", "countryCode", "valueMap", "constant", "sum", "multiply",
        "join", "ordinal",
    ];

    /// <summary>The canonical fields that hold money: a computed value (<c>multiply</c>) is rounded to 2 decimals for them.</summary>
    public static bool IsAmount(string name) => name is "net" or "tax" or "gross" or "amount"
        || name.StartsWith("totals.", StringComparison.Ordinal) || name == "earlyPaymentDiscount.amount";

    public static string Describe(FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.Date => "a date",
        FieldType.DateTime => "a date-time",
        FieldType.Decimal => "a decimal",
        FieldType.Integer => "a whole number",
        FieldType.Kind => "an invoice kind",
        FieldType.Direction => "a direction",
        _ => "a boolean",
    };

    private static FrozenDictionary<string, FieldTarget<InvoiceDraft>> BuildInvoice()
    {
        var fields = new List<FieldTarget<InvoiceDraft>>
        {
            Text("sourceId", (d, v) => d.SourceId = v),
            Text("number", (d, v) => d.Number = v),
            Kind("kind", (d, v) => d.Kind = v),
            Direction("direction", (d, v) => d.Direction = v),
            Text("sourceStatus", (d, v) => d.SourceStatus = v),
            Date("issueDate", (d, v) => d.IssueDate = v),
            Date("dueDate", (d, v) => d.DueDate = v),
            Date("deliveryDate", (d, v) => d.DeliveryDate = v),
            DateTime("paidAt", (d, v) =>
            {
                // A payment date without a time is a day (SPEC §3: never turned into midnight).
                d.PaidAt = v.At;
                d.PaidOn ??= v.Day;
            }),
            Date("paidOn", (d, v) => d.PaidOn = v ?? d.PaidOn),
            DateTime("createdAt", (d, v) => d.CreatedAt = v.At),
            DateTime("updatedAt", (d, v) => d.UpdatedAt = v.At),
            Text("paymentTerms", (d, v) => d.PaymentTerms = v),
            Text("currency", (d, v) => d.Currency = v),
            Decimal("totals.net", (d, v) => d.Net = v),
            Decimal("totals.tax", (d, v) => d.Tax = v),
            Decimal("totals.gross", (d, v) => d.Gross = v),
            Decimal("totals.paid", (d, v) => d.Paid = v),
            Decimal("totals.due", (d, v) => d.Due = v),
            Decimal("totals.minimumDue", (d, v) => d.MinimumDue = v),
            Decimal("totals.credited", (d, v) => d.Credited = v),
            Date("earlyPaymentDiscount.until", (d, v) => d.DiscountUntil = v),
            Decimal("earlyPaymentDiscount.amount", (d, v) => d.DiscountAmount = v),
            Decimal("earlyPaymentDiscount.rate", (d, v) => d.DiscountRate = v),
            Text("payment.accountNumber", (d, v) => d.AccountNumber = v),
            Text("payment.iban", (d, v) => d.Iban = v),
            Text("payment.bic", (d, v) => d.Bic = v),
            Text("payment.reference", (d, v) => d.PaymentReference = v),
            Text("payment.link", (d, v) => d.PaymentLink = v),
            Text("references.order", (d, v) => d.OrderReference = v),
            Text("references.purchaseOrder", (d, v) => d.PurchaseOrderReference = v),
            Text("references.buyerReference", (d, v) => d.BuyerReference = v),
            Text("references.sellerReference", (d, v) => d.SellerReference = v),
            Text("references.eInvoice", (d, v) => d.EInvoiceReference = v),
            Text("references.external", (d, v) => d.ExternalReference = v),
            Date("period.start", (d, v) => d.PeriodStart = v),
            Date("period.end", (d, v) => d.PeriodEnd = v),
            Text("notes", (d, v) => d.Notes = v),
        };
        fields.AddRange(PartyFields("issuer", d => d.Issuer));
        fields.AddRange(PartyFields("recipient", d => d.Recipient));
        fields.AddRange(AddressFields("deliveryAddress", d => d.DeliveryAddress));
        return fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
    }

    private static IEnumerable<FieldTarget<InvoiceDraft>> PartyFields(string prefix, Func<InvoiceDraft, PartyDraft> party) =>
    [
        Text($"{prefix}.name", (d, v) => party(d).Name = v),
        Text($"{prefix}.organizationNumber", (d, v) => party(d).OrganizationNumber = v),
        Text($"{prefix}.organizationScheme", (d, v) => party(d).OrganizationScheme = v),
        Text($"{prefix}.vatNumber", (d, v) => party(d).VatNumber = v),
        Text($"{prefix}.customerNumber", (d, v) => party(d).CustomerNumber = v),
        Text($"{prefix}.email", (d, v) => party(d).Email = v),
        Text($"{prefix}.phone", (d, v) => party(d).Phone = v),
        Text($"{prefix}.website", (d, v) => party(d).Website = v),
        .. AddressFields($"{prefix}.address", d => party(d).Address),
    ];

    private static IEnumerable<FieldTarget<InvoiceDraft>> AddressFields(string prefix, Func<InvoiceDraft, AddressDraft> address) =>
    [
        Text($"{prefix}.line1", (d, v) => address(d).Line1 = v),
        Text($"{prefix}.line2", (d, v) => address(d).Line2 = v),
        Text($"{prefix}.postalCode", (d, v) => address(d).PostalCode = v),
        Text($"{prefix}.city", (d, v) => address(d).City = v),
        new FieldTarget<InvoiceDraft, string?>($"{prefix}.country", FieldType.Text, "countryCode", (d, v) => address(d).Country = v),
        Text($"{prefix}.text", (d, v) => address(d).Text = v),
    ];

    private static FrozenDictionary<string, FieldTarget<LineDraft>> BuildLine() => new FieldTarget<LineDraft>[]
    {
        new FieldTarget<LineDraft, int?>("position", FieldType.Integer, "int", (l, v) => l.Position = v),
        new FieldTarget<LineDraft, string?>("code", FieldType.Text, "string", (l, v) => l.Code = v),
        new FieldTarget<LineDraft, string?>("description", FieldType.Text, "string", (l, v) => l.Description = v),
        new FieldTarget<LineDraft, decimal?>("quantity", FieldType.Decimal, "decimal", (l, v) => l.Quantity = v),
        new FieldTarget<LineDraft, string?>("unit", FieldType.Text, "string", (l, v) => l.Unit = v),
        new FieldTarget<LineDraft, decimal?>("unitPrice", FieldType.Decimal, "decimal", (l, v) => l.UnitPrice = v),
        new FieldTarget<LineDraft, decimal?>("discountPercent", FieldType.Decimal, "decimal", (l, v) => l.DiscountPercent = v),
        new FieldTarget<LineDraft, decimal?>("taxRate", FieldType.Decimal, "decimal", (l, v) => l.TaxRate = v),
        new FieldTarget<LineDraft, decimal?>("net", FieldType.Decimal, "decimal", (l, v) => l.Net = v),
        new FieldTarget<LineDraft, decimal?>("tax", FieldType.Decimal, "decimal", (l, v) => l.Tax = v),
        new FieldTarget<LineDraft, decimal?>("gross", FieldType.Decimal, "decimal", (l, v) => l.Gross = v),
        new FieldTarget<LineDraft, string?>("currency", FieldType.Text, "string", (l, v) => l.Currency = v),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    private static FieldTarget<InvoiceDraft> Text(string name, Action<InvoiceDraft, string?> set) =>
        new FieldTarget<InvoiceDraft, string?>(name, FieldType.Text, "string", set);

    private static FieldTarget<InvoiceDraft> Date(string name, Action<InvoiceDraft, DateOnly?> set) =>
        new FieldTarget<InvoiceDraft, DateOnly?>(name, FieldType.Date, "date", set);

    private static FieldTarget<InvoiceDraft> DateTime(string name, Action<InvoiceDraft, UpstreamMoment> set) =>
        new FieldTarget<InvoiceDraft, UpstreamMoment>(name, FieldType.DateTime, "dateTime", set);

    private static FieldTarget<InvoiceDraft> Decimal(string name, Action<InvoiceDraft, decimal?> set) =>
        new FieldTarget<InvoiceDraft, decimal?>(name, FieldType.Decimal, "decimal", set);

    private static FieldTarget<InvoiceDraft> Kind(string name, Action<InvoiceDraft, InvoiceKind?> set) =>
        new FieldTarget<InvoiceDraft, InvoiceKind?>(name, FieldType.Kind, "valueMap", set);

    private static FieldTarget<InvoiceDraft> Direction(string name, Action<InvoiceDraft, InvoiceDirection?> set) =>
        new FieldTarget<InvoiceDraft, InvoiceDirection?>(name, FieldType.Direction, "valueMap", set);
}
