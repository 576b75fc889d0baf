using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.SendRegning.Payload;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Mapping;

/// <summary>
/// SendRegning invoice → canonical invoice, field by field as SPEC §2 (sendregning) lists them. Written out by hand
/// rather than as an AutoMapper profile: the profile's map was 24 % of a SendRegning read, about a third of it
/// AutoMapper's own per-call work (options and closure, plan lookup, <c>MaxDepth</c> bookkeeping), and the issue-16
/// target (300,000 invoices/s per core) leaves no room for it (bench/results/normalization-2026-12-02b.md). The values
/// are read in the order the profile read them, so the warnings keep their order.
/// The invoice is built once, finished: the shared rules (<see cref="InvoiceRules.FinishAmounts"/>) run on the amounts
/// before it is built, and the status is decided from the finished totals, which gives what mapping it and then
/// <see cref="InvoiceRules.Finish"/> gave, without the finished copy of the whole invoice.
/// </summary>
internal static class SendRegningInvoiceMap
{
    private static readonly PaymentInstructions NoPayment = new();

    public static Invoice Map(in SendRegningInvoicePayload s, SourceSettings settings, UpstreamValues values, RawJson raw)
    {
        // AutoMapper read the members that match a payload member by name first, then the configured ones, each group in
        // the canonical record's order; the warnings come in that order, so the values are read in it.
        var dueDate = values.Date("dueDate", s.DueDate);
        var deliveryDate = values.Date("deliveryDate", s.DeliveryDate);
        var orderDate = values.Date("orderDate", s.OrderDate);
        var reminderDate = values.Date("reminderDate", s.ReminderDate);
        var currency = InvoiceRules.Currency(s.Currency, settings.Source, settings.DefaultCurrency);
        var recipient = Party(in s.Recipient, values);
        var deliveryAddress = s.DeliveryAddress is { } delivery
            ? new PostalAddress(
                InvoiceRules.Text(delivery.Address),
                null,
                InvoiceRules.Text(delivery.Zip),
                InvoiceRules.Text(delivery.City),
                values.Country("deliveryAddress.country", delivery.Country))
            : null;
        var kind = UpstreamFlag.Read(values, "credit", s.Credit) == true ? InvoiceKind.CreditNote : InvoiceKind.Invoice;
        var issueDate = values.Date("invoiceDate", s.InvoiceDate);
        var totals = Totals(in s, values);
        var issuer = Party(in s.Originator, values);
        // The lines' values are read last, as they were when the lines were the map's last member with warnings.
        var lines = Lines(s.Items.AsSpan(0, s.ItemCount), values);
        // Signs first (a credit note sent negative), then the checks; the status from the amounts as on the document.
        var amounts = InvoiceRules.FinishAmounts(kind, new InvoiceAmounts(totals, lines, []), values);
        return new Invoice
        {
            Id = Invoice.MakeId(settings.Source.Name, s.Number!),
            Source = settings.Source.Name,
            SourceId = s.Number!,
            Number = InvoiceRules.Text(s.Number),
            Kind = kind,
            Direction = settings.Direction,
            Status = Status(amounts.Totals),
            IssueDate = issueDate,
            DueDate = dueDate,
            DeliveryDate = deliveryDate,
            OrderDate = orderDate,
            ReminderDate = reminderDate,
            Currency = currency,
            Totals = amounts.Totals,
            Issuer = issuer,
            Recipient = recipient,
            DeliveryAddress = deliveryAddress,
            Payment = Payment(in s),
            References = new InvoiceReferences(
                Order: InvoiceRules.Text(s.OrderNumber),
                BuyerReference: InvoiceRules.Text(s.YourReference),
                SellerReference: InvoiceRules.Text(s.OurReference)),
            Allocations = amounts.Allocations,
            Lines = amounts.Lines,
            Notes = InvoiceRules.Text(s.InvoiceText),
            Warnings = values.Warnings.ToArray(),
            Raw = raw,
        };
    }

    /// <summary>
    /// Nothing due → paid; something but less than the gross due → partially paid; otherwise open
    /// (whether it is overdue is computed when served). Decided from the finished totals (signs already positive).
    /// </summary>
    private static InvoiceStatus Status(InvoiceTotals totals) => totals switch
    {
        { Due: 0m } => InvoiceStatus.Paid,
        { Due: > 0m and var due, Gross: { } gross } when due < gross => InvoiceStatus.PartiallyPaid,
        _ => InvoiceStatus.Open,
    };

    /// <summary>total → gross, tax → tax, net = total − tax, currentBalance → due, paid = total − currentBalance.</summary>
    private static InvoiceTotals Totals(in SendRegningInvoicePayload s, UpstreamValues values)
    {
        var gross = UpstreamAmount.Read(values, "total", s.Total);
        var tax = UpstreamAmount.Read(values, "tax", s.Tax);
        var due = UpstreamAmount.Read(values, "currentBalance", s.CurrentBalance);
        return new InvoiceTotals(Net: gross - tax, Tax: tax, Gross: gross, Paid: gross - due, Due: due);
    }

    /// <summary>
    /// A party; its organization number normalized (<c>"NO 911 919 911 MVA"</c> → number and VAT number), with its scheme:
    /// the one SendRegning gives (<c>icd</c>; Peppol's 9908 is written as the ICD 0192), else 0192 for a nine-digit
    /// number of a party whose address is in Norway. A party that is sent, even empty, is a party.
    /// </summary>
    private static Party? Party(in SendRegningPartyPayload? party, UpstreamValues values)
    {
        if (party is not { } s)
        {
            return null;
        }

        var organization = OrganizationNumbers.Read(s.OrganisationNumber, Countries.TryToIsoAlpha2(s.Address?.Country), s.Icd);
        return new Party
        {
            Name = InvoiceRules.Text(s.Name),
            OrganizationNumber = organization.OrganizationNumber,
            OrganizationScheme = organization.Scheme,
            VatNumber = organization.VatNumber,
            CustomerNumber = InvoiceRules.Text(s.CustomerNumber),
            Email = InvoiceRules.Text(s.Email),
            Phone = InvoiceRules.Text(s.Phone),
            Mobile = InvoiceRules.Text(s.Mobile),
            Website = InvoiceRules.Text(s.Web),
            Address = s.Address is { } address
                ? new PostalAddress(
                    InvoiceRules.Text(address.Address1),
                    InvoiceRules.Text(address.Address2),
                    InvoiceRules.Text(address.Zip),
                    InvoiceRules.Text(address.City),
                    values.Country("address.country", address.Country))
                : null,
        };
    }

    private static PaymentInstructions? Payment(in SendRegningInvoicePayload s)
    {
        var payment = new PaymentInstructions(
            AccountNumber: InvoiceRules.Text(s.AccountNumber),
            Iban: InvoiceRules.Text(s.International?.Iban),
            Bic: InvoiceRules.Text(s.International?.Bic),
            Reference: InvoiceRules.Text(s.Kid));
        return payment == NoPayment ? null : payment;
    }

    private static InvoiceLine[] Lines(ReadOnlySpan<SendRegningItemPayload> items, UpstreamValues values)
    {
        if (items.IsEmpty)
        {
            return [];
        }

        var lines = new InvoiceLine[items.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            ref readonly var s = ref items[i];
            // Matched by name first (quantity, unit price, tax rate), then the configured members, as AutoMapper read them.
            var quantity = UpstreamAmount.Read(values, "items.quantity", s.Quantity);
            var unitPrice = UpstreamAmount.Read(values, "items.unitPrice", s.UnitPrice);
            var taxRate = UpstreamAmount.Read(values, "items.taxRate", s.TaxRate);
            var position = UpstreamAmount.WholeNumber(values, "items.number", s.Number);
            var discount = UpstreamAmount.Read(values, "items.discount", s.Discount);
            var net = UpstreamAmount.Read(values, "items.totalWithoutTax", s.TotalWithoutTax);
            var gross = UpstreamAmount.Read(values, "items.total", s.Total);
            lines[i] = new InvoiceLine
            {
                Position = position,
                Code = InvoiceRules.Text(s.ProductCode),
                Description = InvoiceRules.Text(s.Description),
                Quantity = quantity,
                Unit = InvoiceRules.Text(s.Unit),
                UnitPrice = unitPrice,
                DiscountPercent = discount,
                TaxRate = taxRate,
                Net = net,
                // The line's tax is the difference of the two amounts read.
                Tax = gross - net,
                Gross = gross,
            };
        }

        return lines;
    }
}
