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
            .ForMember(d => d.Kind, o => o.MapFrom((s, _, _, c) => Kind(s, Values(c))))
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

    /// <summary>The documented <c>type</c> values (any case); an absent type is an invoice, an unknown one <c>null</c>.</summary>
    private static InvoiceKind? KindOf(string? type) => type?.Trim().ToUpperInvariant() switch
    {
        null or "" or "INVOICE" => InvoiceKind.Invoice,
        "CREDIT_NOTE" => InvoiceKind.CreditNote,
        "REMINDER" => InvoiceKind.Reminder,
        _ => null,
    };

    /// <summary>
    /// The kind from <c>type</c>. A type the adapter does not know is read as an invoice with an <c>unparsed_value</c>
    /// warning: <c>type</c> is the document's category and never decides its payment state (issue 10 item 7).
    /// </summary>
    private static InvoiceKind Kind(GoScoreInvoicePayload s, UpstreamValues values)
    {
        if (KindOf(s.Type) is { } kind)
        {
            return kind;
        }

        var type = s.Type!.Length > 64 ? string.Concat(s.Type.AsSpan(0, 64), "…") : s.Type;
        values.Warn(WarningCodes.UnparsedValue, $"The type value '{type}' is not INVOICE, CREDIT_NOTE or REMINDER; the document is read as an invoice.");
        return InvoiceKind.Invoice;
    }

    /// <summary>
    /// <c>paid</c> true → paid, false or absent → open; a <c>paid</c> that is no boolean → unknown (with
    /// <c>unparsed_value</c>). The upstream's own <c>overdue</c> flag is not read: overdue is computed when served.
    /// </summary>
    private static InvoiceStatus Status(GoScoreInvoicePayload s, UpstreamValues values) =>
        UpstreamFlag.Read(values, "paid", s.Paid) switch
        {
            true => InvoiceStatus.Paid,
            null when UpstreamFlag.IsUnreadable(s.Paid) => InvoiceStatus.Unknown,
            _ => InvoiceStatus.Open,
        };

    /// <summary>
    /// amount → gross, min_amount → minimumDue, credit_note_amount → credited. due: 0 when paid; else the amount, on an
    /// invoice less what was credited (1000 credited 300 → 700); unknown when <c>paid</c> is unreadable. paid stays
    /// unknown: GoScore tells whether, not how much (SPEC §3's example of the seed has <c>paid: null</c>). Negative
    /// credit-note amounts are made positive by <see cref="InvoiceRules.Finish"/>.
    /// </summary>
    private static InvoiceTotals Totals(GoScoreInvoicePayload s, UpstreamValues values)
    {
        var gross = UpstreamAmount.Read(values, "amount", s.Amount);
        var credited = UpstreamAmount.Read(values, "credit_note_amount", s.CreditNoteAmount);
        var due = UpstreamFlag.IsUnreadable(s.Paid) ? null
            : UpstreamFlag.IsTrue(s.Paid) ? 0m
            : KindOf(s.Type) == InvoiceKind.Invoice && credited is { } c ? gross - Math.Abs(c)
            : gross;
        return new InvoiceTotals(
            Gross: gross,
            Due: due,
            MinimumDue: UpstreamAmount.Read(values, "min_amount", s.MinAmount),
            Credited: credited);
    }

    /// <summary>The creditor; eFaktura creditors are Norwegian, so a nine-digit number is in Enhetsregisteret (0192).</summary>
    private static Party? Issuer(GoScoreInvoicePayload s)
    {
        var name = InvoiceRules.Text(s.CreditorName);
        var organization = OrganizationNumbers.Read(s.CreditorOrgNumber, country: "NO");
        return name is null && organization.OrganizationNumber is null
            ? null
            : new Party
            {
                Name = name,
                OrganizationNumber = organization.OrganizationNumber,
                OrganizationScheme = organization.Scheme,
                VatNumber = organization.VatNumber,
            };
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
