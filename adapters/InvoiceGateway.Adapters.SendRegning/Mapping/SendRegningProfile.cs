using System.Globalization;
using AutoMapper;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.SendRegning.Payload;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Mapping;

/// <summary>
/// SendRegning invoice → canonical invoice, field by field as SPEC §2 (sendregning) lists them. The
/// status (a rule over the mapped totals and due date and the clock), warnings, the totals check and
/// the raw payload are added by <see cref="SendRegningNormalizer"/> after the map.
/// </summary>
internal sealed class SendRegningProfile : Profile
{
    private static readonly PaymentInstructions NoPayment = new();

    public SendRegningProfile()
    {
        // Overdue and changedAt are the gateway's to compute, never mapped from a payload.
        ShouldMapProperty = p => p.GetMethod?.IsPublic == true && !InvoiceRules.IsGatewayComputed(p.Name);
        CreateMap<SendRegningInvoicePayload, Invoice>()
            .MaxDepth(SendRegningMapping.MaxDepth)
            .ForMember(d => d.Id, o => o.MapFrom((s, _, _, c) => Invoice.MakeId(Settings(c).Source.Name, s.Number!)))
            .ForMember(d => d.Source, o => o.MapFrom((_, _, _, c) => Settings(c).Source.Name))
            .ForMember(d => d.SourceId, o => o.MapFrom(s => s.Number))
            .ForMember(d => d.Number, o => o.MapFrom(s => InvoiceRules.Text(s.Number)))
            .ForMember(d => d.Kind, o => o.MapFrom((s, _, _, c) =>
                UpstreamFlag.Read(Values(c), "credit", s.Credit) == true ? InvoiceKind.CreditNote : InvoiceKind.Invoice))
            .ForMember(d => d.Direction, o => o.MapFrom((_, _, _, c) => Settings(c).Direction))
            .ForMember(d => d.IssueDate, o => o.MapFrom((s, _, _, c) => Values(c).Date("invoiceDate", s.InvoiceDate)))
            .ForMember(d => d.DueDate, o => o.MapFrom((s, _, _, c) => Values(c).Date("dueDate", s.DueDate)))
            .ForMember(d => d.DeliveryDate, o => o.MapFrom((s, _, _, c) => Values(c).Date("deliveryDate", s.DeliveryDate)))
            .ForMember(d => d.OrderDate, o => o.MapFrom((s, _, _, c) => Values(c).Date("orderDate", s.OrderDate)))
            .ForMember(d => d.ReminderDate, o => o.MapFrom((s, _, _, c) => Values(c).Date("reminderDate", s.ReminderDate)))
            .ForMember(d => d.Currency, o => o.MapFrom((s, _, _, c) =>
                InvoiceRules.Currency(s.Currency, Settings(c).Source, Settings(c).DefaultCurrency)))
            .ForMember(d => d.Totals, o => o.MapFrom((s, _, _, c) => Totals(s, Values(c))))
            .ForMember(d => d.Issuer, o => o.MapFrom(s => s.Originator))
            .ForMember(d => d.Recipient, o => o.MapFrom(s => s.Recipient))
            .ForMember(d => d.DeliveryAddress, o => o.MapFrom(s => s.DeliveryAddress))
            .ForMember(d => d.Payment, o => o.MapFrom(s => Payment(s)))
            .ForMember(d => d.References, o => o.MapFrom(s => References(s)))
            .ForMember(d => d.Lines, o => o.MapFrom(s => s.Items))
            .ForMember(d => d.Notes, o => o.MapFrom(s => InvoiceRules.Text(s.InvoiceText)))
            // SendRegning sends no status field (the status is derived after the map) and none of these.
            .ForMember(d => d.Status, o => o.Ignore())
            .ForMember(d => d.SourceStatus, o => o.Ignore())
            .ForMember(d => d.PaidAt, o => o.Ignore())
            .ForMember(d => d.CreatedAt, o => o.Ignore())
            .ForMember(d => d.UpdatedAt, o => o.Ignore())
            .ForMember(d => d.EarlyPaymentDiscount, o => o.Ignore())
            .ForMember(d => d.Period, o => o.Ignore())
            .ForMember(d => d.PaidOn, o => o.Ignore())
            .ForMember(d => d.PaymentTerms, o => o.Ignore())
            .ForMember(d => d.Allocations, o => o.Ignore())
            // Set after the map, once every value has been read.
            .ForMember(d => d.Warnings, o => o.Ignore())
            .ForMember(d => d.Raw, o => o.Ignore());

        CreateMap<SendRegningPartyPayload, Party>()
            .MaxDepth(SendRegningMapping.MaxDepth)
            .ForMember(d => d.Name, o => o.MapFrom(s => InvoiceRules.Text(s.Name)))
            .ForMember(d => d.OrganizationNumber, o => o.MapFrom(s => Organization(s).OrganizationNumber))
            .ForMember(d => d.OrganizationScheme, o => o.MapFrom(s => Organization(s).Scheme))
            .ForMember(d => d.VatNumber, o => o.MapFrom(s => Organization(s).VatNumber))
            .ForMember(d => d.CustomerNumber, o => o.MapFrom(s => InvoiceRules.Text(s.CustomerNumber)))
            .ForMember(d => d.Email, o => o.MapFrom(s => InvoiceRules.Text(s.Email)))
            .ForMember(d => d.Phone, o => o.MapFrom(s => InvoiceRules.Text(s.Phone)))
            .ForMember(d => d.Mobile, o => o.MapFrom(s => InvoiceRules.Text(s.Mobile)))
            .ForMember(d => d.Website, o => o.MapFrom(s => InvoiceRules.Text(s.Web)))
            .ForMember(d => d.Address, o => o.MapFrom(s => s.Address))
            .ForMember(d => d.ElectronicAddress, o => o.Ignore());

        CreateMap<SendRegningAddressPayload, PostalAddress>()
            .MaxDepth(SendRegningMapping.MaxDepth)
            .ForCtorParam(nameof(PostalAddress.Line1), o => o.MapFrom(s => InvoiceRules.Text(s.Address1)))
            .ForCtorParam(nameof(PostalAddress.Line2), o => o.MapFrom(s => InvoiceRules.Text(s.Address2)))
            .ForCtorParam(nameof(PostalAddress.PostalCode), o => o.MapFrom(s => InvoiceRules.Text(s.Zip)))
            .ForCtorParam(nameof(PostalAddress.City), o => o.MapFrom(s => InvoiceRules.Text(s.City)))
            .ForCtorParam(nameof(PostalAddress.Country), o => o.MapFrom((s, c) => Values(c).Country("address.country", s.Country)));

        CreateMap<SendRegningDeliveryAddressPayload, PostalAddress>()
            .MaxDepth(SendRegningMapping.MaxDepth)
            .ForCtorParam(nameof(PostalAddress.Line1), o => o.MapFrom(s => InvoiceRules.Text(s.Address)))
            .ForCtorParam(nameof(PostalAddress.Line2), o => o.MapFrom(_ => (string?)null))
            .ForCtorParam(nameof(PostalAddress.PostalCode), o => o.MapFrom(s => InvoiceRules.Text(s.Zip)))
            .ForCtorParam(nameof(PostalAddress.City), o => o.MapFrom(s => InvoiceRules.Text(s.City)))
            .ForCtorParam(nameof(PostalAddress.Country), o => o.MapFrom((s, c) => Values(c).Country("deliveryAddress.country", s.Country)));

        CreateMap<SendRegningItemPayload, InvoiceLine>()
            .MaxDepth(SendRegningMapping.MaxDepth)
            .ForMember(d => d.Position, o => o.MapFrom((s, _, _, c) => WholeNumber(Values(c), "items.number", s.Number)))
            .ForMember(d => d.Code, o => o.MapFrom(s => InvoiceRules.Text(s.ProductCode)))
            .ForMember(d => d.Description, o => o.MapFrom(s => InvoiceRules.Text(s.Description)))
            .ForMember(d => d.Quantity, o => o.MapFrom((s, _, _, c) => UpstreamAmount.Read(Values(c), "items.quantity", s.Quantity)))
            .ForMember(d => d.Unit, o => o.MapFrom(s => InvoiceRules.Text(s.Unit)))
            .ForMember(d => d.UnitPrice, o => o.MapFrom((s, _, _, c) => UpstreamAmount.Read(Values(c), "items.unitPrice", s.UnitPrice)))
            .ForMember(d => d.DiscountPercent, o => o.MapFrom((s, _, _, c) => UpstreamAmount.Read(Values(c), "items.discount", s.Discount)))
            .ForMember(d => d.TaxRate, o => o.MapFrom((s, _, _, c) => UpstreamAmount.Read(Values(c), "items.taxRate", s.TaxRate)))
            .ForMember(d => d.Net, o => o.MapFrom((s, _, _, c) => UpstreamAmount.Read(Values(c), "items.totalWithoutTax", s.TotalWithoutTax)))
            .ForMember(d => d.Gross, o => o.MapFrom((s, _, _, c) => UpstreamAmount.Read(Values(c), "items.total", s.Total)))
            // The line's tax is the difference of the two amounts just mapped, so it is mapped after them.
            .ForMember(d => d.Tax, o =>
            {
                o.SetMappingOrder(1);
                o.MapFrom((_, d, _, _) => d.Gross - d.Net);
            });
    }

    private static SourceSettings Settings(ResolutionContext context) => NormalizationState.From(context).Settings;

    private static UpstreamValues Values(ResolutionContext context) => NormalizationState.From(context).Values;

    /// <summary>total → gross, tax → tax, net = total − tax, currentBalance → due, paid = total − currentBalance.</summary>
    private static InvoiceTotals Totals(SendRegningInvoicePayload s, UpstreamValues values)
    {
        var gross = UpstreamAmount.Read(values, "total", s.Total);
        var tax = UpstreamAmount.Read(values, "tax", s.Tax);
        var due = UpstreamAmount.Read(values, "currentBalance", s.CurrentBalance);
        return new InvoiceTotals(Net: gross - tax, Tax: tax, Gross: gross, Paid: gross - due, Due: due);
    }

    /// <summary>
    /// The party's organization number, normalized (<c>"NO 911 919 911 MVA"</c> → number and VAT number), with its scheme:
    /// the one SendRegning gives (<c>icd</c>; Peppol's 9908 is written as the ICD 0192), else 0192 for a nine-digit
    /// number of a party whose address is in Norway.
    /// </summary>
    private static OrganizationIdentity Organization(SendRegningPartyPayload s) =>
        OrganizationNumbers.Read(s.OrganisationNumber, Countries.TryToIsoAlpha2(s.Address?.Country), s.Icd);

    private static PaymentInstructions? Payment(SendRegningInvoicePayload s)
    {
        var payment = new PaymentInstructions(
            AccountNumber: InvoiceRules.Text(s.AccountNumber),
            Iban: InvoiceRules.Text(s.International?.Iban),
            Bic: InvoiceRules.Text(s.International?.Bic),
            Reference: InvoiceRules.Text(s.Kid));
        return payment == NoPayment ? null : payment;
    }

    private static InvoiceReferences References(SendRegningInvoicePayload s) => new(
        Order: InvoiceRules.Text(s.OrderNumber),
        BuyerReference: InvoiceRules.Text(s.YourReference),
        SellerReference: InvoiceRules.Text(s.OurReference));

    private static int? WholeNumber(UpstreamValues values, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        values.Unparsed(field, text, "a whole number");
        return null;
    }
}
