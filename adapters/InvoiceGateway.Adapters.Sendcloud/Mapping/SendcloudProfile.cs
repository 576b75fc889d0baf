using AutoMapper;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.Sendcloud.Payload;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud.Mapping;

/// <summary>
/// Sendcloud invoice → canonical invoice, field by field as SPEC §2 (sendcloud) lists them. Warnings,
/// totals checks and the raw payload are added by <see cref="SendcloudNormalizer"/> after the map.
/// </summary>
internal sealed class SendcloudProfile : Profile
{
    /// <summary>The day-first form of the documented example (<c>05-10-2020 02:12:01</c>), in UTC.</summary>
    private static readonly string[] DayFirstFormats = ["dd-MM-yyyy HH:mm:ss", "dd-MM-yyyy"];

    public SendcloudProfile()
    {
        // Overdue and changedAt are the gateway's to compute, never mapped from a payload.
        ShouldMapProperty = p => p.GetMethod?.IsPublic == true && !InvoiceRules.IsGatewayComputed(p.Name);
        CreateMap<SendcloudInvoicePayload, Invoice>()
            .MaxDepth(SendcloudMapping.MaxDepth)
            .ForMember(d => d.Id, o => o.MapFrom((s, _, _, c) => Invoice.MakeId(Settings(c).Source.Name, s.Id!)))
            .ForMember(d => d.Source, o => o.MapFrom((_, _, _, c) => Settings(c).Source.Name))
            .ForMember(d => d.SourceId, o => o.MapFrom(s => s.Id))
            .ForMember(d => d.Number, o => o.MapFrom(s => InvoiceRules.Text(s.Ref)))
            .ForMember(d => d.Direction, o => o.MapFrom((_, _, _, c) => Settings(c).Direction))
            .ForMember(d => d.Status, o => o.MapFrom((s, _, _, c) => Status(s, Values(c))))
            .ForMember(d => d.SourceStatus, o => o.MapFrom(s => s.Type))
            // `date` is when Sendcloud created the invoice: the instant is createdAt, its UTC day the issue date.
            .ForMember(d => d.CreatedAt, o => o.MapFrom((s, _, _, c) => Date(s, c).At))
            .ForMember(d => d.IssueDate, o => o.MapFrom((s, _, _, c) => Date(s, c).Day))
            .ForMember(d => d.Currency, o => o.MapFrom((_, _, _, c) => Settings(c).Currency))
            .ForMember(d => d.Totals, o => o.MapFrom((s, _, _, c) => Totals(s, Values(c))))
            .ForMember(d => d.Issuer, o => o.MapFrom((_, _, _, c) => Settings(c).Issuer))
            .ForMember(d => d.Lines, o => o.MapFrom(s => s.Items))
            // Sendcloud invoices are always invoices and carry none of these (no due date either).
            .ForMember(d => d.Kind, o => o.Ignore())
            .ForMember(d => d.DueDate, o => o.Ignore())
            .ForMember(d => d.DeliveryDate, o => o.Ignore())
            .ForMember(d => d.OrderDate, o => o.Ignore())
            .ForMember(d => d.ReminderDate, o => o.Ignore())
            .ForMember(d => d.PaidAt, o => o.Ignore())
            .ForMember(d => d.UpdatedAt, o => o.Ignore())
            .ForMember(d => d.EarlyPaymentDiscount, o => o.Ignore())
            .ForMember(d => d.Recipient, o => o.Ignore())
            .ForMember(d => d.Payment, o => o.Ignore())
            .ForMember(d => d.References, o => o.Ignore())
            .ForMember(d => d.Period, o => o.Ignore())
            .ForMember(d => d.Notes, o => o.Ignore())
            .ForMember(d => d.PaidOn, o => o.Ignore())
            .ForMember(d => d.PaymentTerms, o => o.Ignore())
            .ForMember(d => d.DeliveryAddress, o => o.Ignore())
            .ForMember(d => d.Allocations, o => o.Ignore())
            // Set after the map, once every value has been read.
            .ForMember(d => d.Warnings, o => o.Ignore())
            .ForMember(d => d.Raw, o => o.Ignore());

        CreateMap<SendcloudItemPayload, InvoiceLine>()
            .MaxDepth(SendcloudMapping.MaxDepth)
            .ForMember(d => d.Description, o => o.MapFrom(s => InvoiceRules.Text(s.Name)))
            // An item is a name only; its id is Sendcloud's record id, not a product code.
            .ForMember(d => d.Position, o => o.Ignore())
            .ForMember(d => d.Code, o => o.Ignore())
            .ForMember(d => d.Quantity, o => o.Ignore())
            .ForMember(d => d.Unit, o => o.Ignore())
            .ForMember(d => d.UnitPrice, o => o.Ignore())
            .ForMember(d => d.DiscountPercent, o => o.Ignore())
            .ForMember(d => d.TaxRate, o => o.Ignore())
            .ForMember(d => d.Net, o => o.Ignore())
            .ForMember(d => d.Tax, o => o.Ignore())
            .ForMember(d => d.Gross, o => o.Ignore());
    }

    private static SourceSettings Settings(ResolutionContext context) => NormalizationState.From(context).Settings;

    private static UpstreamValues Values(ResolutionContext context) => NormalizationState.From(context).Values;

    /// <summary>
    /// <c>date</c>, read once per invoice (two members use it): <c>dd-MM-yyyy HH:mm:ss</c> as in the docs' examples or
    /// RFC 3339 as in the schema; a value without an offset is UTC (SPEC §2), so one instant written either way gives
    /// the same <c>createdAt</c> and the same day.
    /// </summary>
    private static UpstreamMoment Date(SendcloudInvoicePayload s, ResolutionContext c)
    {
        var state = NormalizationState.From(c);
        return state.Date ??= state.Values.Moment("date", s.Date, DayFirstFormats);
    }

    /// <summary>
    /// <c>isPayed</c> true → paid, false or absent → open, not a boolean → unknown. <c>type</c> is the invoice's
    /// category (kept as <c>sourceStatus</c>) and never decides the payment state, whatever its value.
    /// </summary>
    private static InvoiceStatus Status(SendcloudInvoicePayload s, UpstreamValues values) =>
        UpstreamFlag.Read(values, "isPayed", s.IsPayed) switch
        {
            true => InvoiceStatus.Paid,
            null when UpstreamFlag.IsUnreadable(s.IsPayed) => InvoiceStatus.Unknown,
            _ => InvoiceStatus.Open,
        };

    /// <summary>
    /// price_incl → gross, price_excl → net, tax derived as for every adapter (kept even when negative: the check warns).
    /// Sendcloud invoices are paid whole or not at all: due 0 when paid, else the gross; unknown when <c>isPayed</c> is unreadable.
    /// </summary>
    private static InvoiceTotals Totals(SendcloudInvoicePayload s, UpstreamValues values)
    {
        var gross = UpstreamAmount.Read(values, "price_incl", s.PriceIncl);
        var net = UpstreamAmount.Read(values, "price_excl", s.PriceExcl);
        var due = UpstreamFlag.IsUnreadable(s.IsPayed) ? null : UpstreamFlag.IsTrue(s.IsPayed) ? 0m : gross;
        return NetTaxGross.Complete(new InvoiceTotals(Net: net, Gross: gross, Due: due));
    }
}
