using AutoMapper;
using InvoiceGateway.Adapters.GoScore.Payload;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore.Mapping;

/// <summary>
/// GoScore invoice → canonical invoice, field by field as SPEC §2 (goscore) lists them. Warnings,
/// totals checks and the raw payload are added by <see cref="GoScoreNormalizer"/> after the map.
/// </summary>
internal sealed class GoScoreProfile : Profile
{
    public GoScoreProfile()
    {
        // Overdue and changedAt are the gateway's to compute, never mapped from a payload.
        ShouldMapProperty = p => p.GetMethod?.IsPublic == true && !InvoiceRules.IsGatewayComputed(p.Name);
        CreateMap<GoScoreInvoicePayload, Invoice>()
            .MaxDepth(GoScoreMapping.MaxDepth)
            .ForMember(d => d.Id, o => o.MapFrom((s, _, _, c) => Invoice.MakeId(Settings(c).Source.Name, s.Id!)))
            .ForMember(d => d.Source, o => o.MapFrom((_, _, _, c) => Settings(c).Source.Name))
            .ForMember(d => d.SourceId, o => o.MapFrom(s => s.Id))
            .ForMember(d => d.Kind, o => o.MapFrom(s => KindOf(s.Type) ?? InvoiceKind.Invoice))
            .ForMember(d => d.Direction, o => o.MapFrom((_, _, _, c) => Settings(c).Direction))
            .ForMember(d => d.Status, o => o.MapFrom((s, _, _, c) => Status(s, Values(c))))
            .ForMember(d => d.SourceStatus, o => o.MapFrom(s => s.Status))
            .ForMember(d => d.DueDate, o => o.MapFrom((s, _, _, c) => Values(c).Date("due_date", s.DueDate)))
            .ForMember(d => d.Currency, o => o.MapFrom((_, _, _, c) => Settings(c).Currency))
            .ForMember(d => d.Totals, o => o.MapFrom((s, _, _, c) => Totals(s, Values(c))))
            .ForMember(d => d.Issuer, o => o.MapFrom(s => Issuer(s)))
            .ForMember(d => d.Payment, o => o.MapFrom(s => Payment(s)))
            .ForMember(d => d.References, o => o.MapFrom(s => References(s)))
            // GoScore sends none of these.
            .ForMember(d => d.Number, o => o.Ignore())
            .ForMember(d => d.IssueDate, o => o.Ignore())
            .ForMember(d => d.DeliveryDate, o => o.Ignore())
            .ForMember(d => d.OrderDate, o => o.Ignore())
            .ForMember(d => d.ReminderDate, o => o.Ignore())
            .ForMember(d => d.PaidAt, o => o.Ignore())
            .ForMember(d => d.CreatedAt, o => o.Ignore())
            .ForMember(d => d.UpdatedAt, o => o.Ignore())
            .ForMember(d => d.EarlyPaymentDiscount, o => o.Ignore())
            .ForMember(d => d.Recipient, o => o.Ignore())
            .ForMember(d => d.Period, o => o.Ignore())
            .ForMember(d => d.Lines, o => o.Ignore())
            .ForMember(d => d.Notes, o => o.Ignore())
            .ForMember(d => d.PaidOn, o => o.Ignore())
            .ForMember(d => d.PaymentTerms, o => o.Ignore())
            .ForMember(d => d.DeliveryAddress, o => o.Ignore())
            .ForMember(d => d.Allocations, o => o.Ignore())
            // Set after the map, once every value has been read.
            .ForMember(d => d.Warnings, o => o.Ignore())
            .ForMember(d => d.Raw, o => o.Ignore());
    }

    private static SourceSettings Settings(ResolutionContext context) => NormalizationState.From(context).Settings;

    private static UpstreamValues Values(ResolutionContext context) => NormalizationState.From(context).Values;

    private static InvoiceKind? KindOf(string? type) => type?.Trim().ToUpperInvariant() switch
    {
        null or "" or "INVOICE" => InvoiceKind.Invoice,
        "CREDIT_NOTE" => InvoiceKind.CreditNote,
        _ => null,
    };

    /// <summary><c>paid</c> → paid, else <c>overdue</c> → overdue, else open; a type we do not know → unknown.</summary>
    private static InvoiceStatus Status(GoScoreInvoicePayload s, UpstreamValues values)
    {
        var paid = UpstreamFlag.Read(values, "paid", s.Paid);
        var overdue = UpstreamFlag.Read(values, "overdue", s.Overdue);
        if (KindOf(s.Type) is null)
        {
            return values.UnknownStatus("type", s.Type);
        }

        return paid switch
        {
            true => InvoiceStatus.Paid,
            null when UpstreamFlag.IsUnreadable(s.Paid) => InvoiceStatus.Unknown,
            _ when UpstreamFlag.IsUnreadable(s.Overdue) => InvoiceStatus.Unknown,
            _ => InvoiceStatus.Open,
        };
    }

    /// <summary>amount → gross, min_amount → minimumDue, credit_note_amount → credited; due is 0 once paid, else the amount.</summary>
    private static InvoiceTotals Totals(GoScoreInvoicePayload s, UpstreamValues values)
    {
        var gross = UpstreamAmount.Read(values, "amount", s.Amount);
        return new InvoiceTotals(
            Gross: gross,
            Due: UpstreamFlag.IsTrue(s.Paid) ? 0m : gross,
            MinimumDue: UpstreamAmount.Read(values, "min_amount", s.MinAmount),
            Credited: UpstreamAmount.Read(values, "credit_note_amount", s.CreditNoteAmount));
    }

    private static Party? Issuer(GoScoreInvoicePayload s)
    {
        var name = InvoiceRules.Text(s.CreditorName);
        var organizationNumber = InvoiceRules.Text(s.CreditorOrgNumber);
        return name is null && organizationNumber is null
            ? null
            : new Party { Name = name, OrganizationNumber = organizationNumber };
    }

    private static PaymentInstructions? Payment(GoScoreInvoicePayload s)
    {
        var account = InvoiceRules.Text(s.Account);
        var kid = InvoiceRules.Text(s.Kid);
        return account is null && kid is null ? null : new PaymentInstructions(AccountNumber: account, Reference: kid);
    }

    private static InvoiceReferences References(GoScoreInvoicePayload s) =>
        InvoiceRules.Text(s.EfakturaRef) is { } eInvoice ? new InvoiceReferences(EInvoice: eInvoice) : InvoiceReferences.Empty;
}
