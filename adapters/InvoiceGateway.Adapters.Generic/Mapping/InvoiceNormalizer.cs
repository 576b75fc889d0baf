using System.Collections.Frozen;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>What a source adds to a mapping when normalizing: its name, settings and clock.</summary>
/// <param name="Source">The source.</param>
/// <param name="DefaultCurrency">The mapping's <c>defaults.currency</c> (an API that is single-currency by its docs), else null.</param>
/// <param name="DefaultDirection">The direction when neither the payload nor the source gives one.</param>
internal sealed record NormalizeSettings(SourceDescriptor Source, string? DefaultCurrency, InvoiceDirection DefaultDirection);

/// <summary>A compiled <c>fields</c> section: turns one upstream entry into a canonical invoice.</summary>
internal sealed class InvoiceNormalizer(
    IBinding<InvoiceDraft>[] bindings,
    ValueReader<string?> sourceId,
    string sourceIdPath,
    StatusRule? status,
    PathPlan plan)
{
    // A draft kept for the next entry: the drafts only hold values until the invoice is made, so one is reused
    // (taken by one thread at a time; a thread that finds none makes one).
    private InvoiceDraft? _spare;

    /// <summary>Normalizes an entry; throws <see cref="UpstreamException"/> when it is not an invoice at all (not an object, no id).</summary>
    public Invoice Normalize(JsonElement entry, NormalizeSettings settings)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"the entry is {UpstreamJson.Describe(entry.ValueKind)}, not an object");
        }

        // One walk of the entry fills every planned path; an entry the plan cannot index is read by lookups as before.
        var slots = plan.TryIndex(entry);
        var draft = Interlocked.Exchange(ref _spare, null) ?? new InvoiceDraft();
        try
        {
            using var properties = slots is null ? EntryProperties.Open(entry) : default;
            return Normalize(new Entry(entry, slots), draft, settings);
        }
        finally
        {
            if (slots is not null)
            {
                plan.Return(slots);
            }

            draft.Clear();
            Volatile.Write(ref _spare, draft);
        }
    }

    private Invoice Normalize(Entry item, InvoiceDraft draft, NormalizeSettings settings)
    {
        var entry = item.Element;
        var values = new UpstreamValues();
        foreach (var binding in bindings)
        {
            binding.Apply(item, values, draft);
        }

        if (draft.SourceId is not { } id)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload, $"it has no invoice id at '{sourceIdPath}'");
        }

        var state = status?.Evaluate(item, draft, values, settings.Source.Time) ?? InvoiceStatus.Unknown;
        var currency = Currency(draft, values, settings);
        var lines = draft.Lines;
        var totals = Totals(draft, lines, state, values);
        var invoice = new Invoice
        {
            Id = Invoice.MakeId(settings.Source.Name, id),
            Source = settings.Source.Name,
            SourceId = id,
            Number = draft.Number,
            Kind = draft.Kind ?? InvoiceKind.Invoice,
            Direction = draft.Direction ?? settings.Source.Direction ?? settings.DefaultDirection,
            Status = state,
            SourceStatus = draft.SourceStatus,
            IssueDate = draft.IssueDate,
            DueDate = draft.DueDate,
            DeliveryDate = draft.DeliveryDate,
            PaidOn = draft.PaidOn,
            PaidAt = draft.PaidAt,
            CreatedAt = draft.CreatedAt,
            UpdatedAt = draft.UpdatedAt,
            PaymentTerms = draft.PaymentTerms,
            Currency = currency,
            Totals = totals,
            EarlyPaymentDiscount = draft.EarlyPaymentDiscount(),
            Issuer = draft.Issuer.ToParty(),
            Recipient = draft.Recipient.ToParty(),
            DeliveryAddress = draft.DeliveryAddress.ToAddress(),
            Payment = draft.Payment(),
            Allocations = draft.Allocations,
            References = draft.References(),
            Period = draft.Period(),
            Lines = lines,
            Notes = draft.Notes,
            Raw = RawJson.Of(entry),
        };

        // Credit notes positive, line amounts to 2 decimals, the totals and lines checks: as for every adapter.
        return InvoiceRules.Finish(invoice, values);
    }

    /// <summary>The entry's id as the mapping reads it, or null (used to request the detail of a summary).</summary>
    public string? ReadId(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object ? sourceId.Read(entry, new UpstreamValues()) : null;

    /// <summary>
    /// The payload's currency (the header's, else the one every line names), else the source's <c>Currency</c>, else
    /// the mapping's default; otherwise null with <c>currency_missing</c>. Lines in another currency: <c>currency_mixed</c>.
    /// </summary>
    private static string? Currency(InvoiceDraft draft, UpstreamValues values, NormalizeSettings settings)
    {
        var header = CurrencyCode(draft.Currency, "currency", values);
        string? linesCurrency = null;
        var linesAgree = true;
        if (draft.LineCurrencies is { } lineCurrencies)
        {
            for (var i = 0; i < lineCurrencies.Count; i++)
            {
                if (CurrencyCode(lineCurrencies[i], $"lines[{i}].currency", values) is not { } code)
                {
                    continue;
                }

                if (linesCurrency is null)
                {
                    linesCurrency = code;
                }
                else if (!string.Equals(linesCurrency, code, StringComparison.OrdinalIgnoreCase))
                {
                    linesAgree = false;
                }
            }
        }

        var currency = InvoiceRules.Currency(header ?? (linesAgree ? linesCurrency : null), settings.Source, settings.DefaultCurrency, values);
        if (draft.LineCurrencies is { } named
            && named.Find(c => CurrencyCode(c, null, null) is { } code && !string.Equals(code, currency, StringComparison.OrdinalIgnoreCase)) is { } other)
        {
            values.Warn(WarningCodes.CurrencyMixed, currency is null
                ? $"The lines name different currencies ({string.Join(", ", named.Where(c => c is not null).Distinct(StringComparer.OrdinalIgnoreCase))}) and the invoice names none."
                : $"A line is in {other.Trim().ToUpperInvariant()}, the invoice in {currency}.");
        }

        return currency;
    }

    private static string? CurrencyCode(string? value, string? field, UpstreamValues? values)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length == 3 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1]) && char.IsAsciiLetter(text[2]))
        {
            return text.ToUpperInvariant();
        }

        values?.Unparsed(field!, value, "a three-letter ISO 4217 code");
        return null;
    }

    /// <summary>
    /// The totals as mapped; the tax from the allocations when there are no lines and the mapping says they are the
    /// tax breakdown; the third of net, tax and gross derived from the other two; what is paid and due from the state
    /// when the API has no partial payments.
    /// </summary>
    private InvoiceTotals Totals(InvoiceDraft draft, IReadOnlyList<InvoiceLine> lines, InvoiceStatus state, UpstreamValues values)
    {
        if (draft.Tax is null && lines.Count == 0 && draft.Allocations.Count > 0 && draft.AllocationsBreakdown != TaxBreakdown.None)
        {
            draft.Tax = AllocationsTax(draft, values);
        }

        var (net, tax, gross) = NetTaxGross.Complete(draft.Net, draft.Tax, draft.Gross);
        (draft.Net, draft.Tax, draft.Gross) = (net, tax, gross);
        if (status is { PartialPayments: false })
        {
            switch (state)
            {
                case InvoiceStatus.Paid:
                    draft.Due ??= 0m;
                    draft.Paid ??= gross;
                    break;
                case InvoiceStatus.Open:
                    draft.Paid ??= 0m;
                    draft.Due ??= gross;
                    break;
            }
        }

        return draft.Totals();
    }

    /// <summary>Σ of each allocation's tax (rounded per allocation, as a VAT breakdown is); null when they do not cover the document.</summary>
    private static decimal? AllocationsTax(InvoiceDraft draft, UpstreamValues values)
    {
        var gross = draft.AllocationsBreakdown == TaxBreakdown.Gross;
        decimal tax = 0, covered = 0;
        foreach (var allocation in draft.Allocations)
        {
            if (allocation is not { Amount: { } amount, TaxRate: { } rate } || rate <= -100m)
            {
                values.Warn(WarningCodes.TaxIncomplete, "An allocation has no amount or no tax rate, so the tax is left unknown.");
                return null;
            }

            tax += decimal.Round(amount * rate / (gross ? 100m + rate : 100m), 2, MidpointRounding.AwayFromZero);
            covered += amount;
        }

        var whole = gross ? draft.Gross : draft.Net;
        if (whole is { } total && Math.Abs(total - covered) > 0.01m)
        {
            values.Warn(WarningCodes.TaxIncomplete,
                $"The allocations add up to {covered}, not to the {(gross ? "gross" : "net")} {total}, so the tax is left unknown.");
            return null;
        }

        return tax;
    }
}

/// <summary>Whether the allocations are the invoice's tax breakdown, and whether their amounts include the tax.</summary>
internal enum TaxBreakdown
{
    None,
    Gross,
    Net,
}

/// <summary>Applies the bindings of one array element (a line, an allocation) through its scope's plan.</summary>
internal static class ItemPlan
{
    public static void Apply<TDraft>(PathPlan plan, JsonElement element, IBinding<TDraft>[] bindings, UpstreamValues values, TDraft draft)
    {
        var slots = plan.TryIndex(element);
        try
        {
            var item = new Entry(element, slots);
            foreach (var binding in bindings)
            {
                binding.Apply(item, values, draft);
            }
        }
        finally
        {
            if (slots is not null)
            {
                plan.Return(slots);
            }
        }
    }
}

/// <summary>Compiled <c>fields.lines</c>: every element of an array becomes a line.</summary>
internal sealed class LinesBinding(PayloadPath path, IBinding<LineDraft>[] bindings, bool positionFromOrder, bool namesCurrency, PathPlan plan)
    : IBinding<InvoiceDraft>
{
    private LineDraft? _spare;

    public void Apply(Entry entry, UpstreamValues values, InvoiceDraft draft)
    {
        if (!path.TryGet(entry, out var array))
        {
            return;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            values.Unparsed(path.Display, PathChoice.ScalarText(array) ?? array.GetRawText(), "a list of lines");
            return;
        }

        var lines = new InvoiceLine[array.GetArrayLength()];
        var currencies = namesCurrency ? new List<string?>(lines.Length) : null;
        // One draft for every element: each line starts from a cleared draft and leaves as a finished record.
        var line = Interlocked.Exchange(ref _spare, null) ?? new LineDraft();
        var count = 0;
        foreach (var element in array.EnumerateArray())
        {
            line.Clear();
            ItemPlan.Apply(plan, element, bindings, values, line);

            if (positionFromOrder)
            {
                line.Position = count + 1;
            }

            currencies?.Add(line.Currency);
            lines[count++] = line.ToLine();
        }

        Volatile.Write(ref _spare, line);
        draft.Lines = lines;
        draft.LineCurrencies = currencies;
    }
}

/// <summary>Compiled <c>fields.allocations</c>: every element of an array becomes an allocation (an accounting split).</summary>
internal sealed class AllocationsBinding(PayloadPath path, IBinding<AllocationDraft>[] bindings, TaxBreakdown breakdown, PathPlan plan)
    : IBinding<InvoiceDraft>
{
    public void Apply(Entry entry, UpstreamValues values, InvoiceDraft draft)
    {
        if (!path.TryGet(entry, out var array))
        {
            return;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            values.Unparsed(path.Display, PathChoice.ScalarText(array) ?? array.GetRawText(), "a list of allocations");
            return;
        }

        var allocations = new List<InvoiceAllocation>(array.GetArrayLength());
        AllocationDraft? allocation = null;
        foreach (var element in array.EnumerateArray())
        {
            // One draft for every element, as for lines.
            allocation ??= new AllocationDraft();
            allocation.Clear();
            ItemPlan.Apply(plan, element, bindings, values, allocation);

            allocations.Add(allocation.ToAllocation());
        }

        draft.Allocations = allocations;
        draft.AllocationsBreakdown = breakdown;
    }
}

/// <summary>
/// Compiled <c>fields.payment.accounts</c>: the first account with an IBAN gives the IBAN, and the BIC comes from the
/// same account (or from another account the mapping lists with the same IBAN), never from a different one.
/// </summary>
internal sealed class AccountsBinding((ValueReader<string?>? Iban, ValueReader<string?>? Bic)[] accounts) : IBinding<InvoiceDraft>
{
    public void Apply(Entry entry, UpstreamValues values, InvoiceDraft draft)
    {
        // One pass, every account read (and warned about) in order: the chosen account is the first with an IBAN, so
        // only accounts after it can name the same IBAN with a BIC.
        string? iban = null, bic = null, sameIbanBic = null, anyBic = null;
        foreach (var (ibanReader, bicReader) in accounts)
        {
            var (accountIban, accountBic) = (ibanReader?.Read(entry, values), bicReader?.Read(entry, values));
            anyBic ??= accountBic;
            if (iban is null)
            {
                (iban, bic) = accountIban is null ? (null, null) : (accountIban, accountBic);
            }
            else if (sameIbanBic is null && accountBic is not null && accountIban is not null && SameIban(accountIban, iban))
            {
                sameIbanBic = accountBic;
            }
        }

        if (iban is null)
        {
            // No IBAN anywhere: a BIC alone still names the bank of the one account described.
            draft.Bic = anyBic;
            return;
        }

        draft.Iban = iban;
        draft.Bic = bic ?? sameIbanBic;
    }

    private static bool SameIban(string a, string b) =>
        string.Equals(Compact(a), Compact(b), StringComparison.OrdinalIgnoreCase);

    private static string Compact(string iban) => iban.Replace(" ", string.Empty, StringComparison.Ordinal);
}

/// <summary>
/// Compiled <c>fields.status</c>: a paid condition wins; then the value map; then the values that are open
/// (whether past the due date is the gateway's to compute); any other value is <c>unknown</c> with an
/// <c>unknown_status</c> warning.
/// </summary>
internal sealed class StatusRule(
    PathChoice? path,
    IReadOnlyList<Func<Entry, UpstreamValues, bool>> paidWhen,
    FrozenDictionary<string, InvoiceStatus> map,
    FrozenSet<string> open,
    InvoiceStatus? absent,
    bool partialPayments)
{
    private readonly Func<Entry, UpstreamValues, bool>[] _paidWhen = [.. paidWhen];

    /// <summary>False when the API has no partial payments: a paid invoice is paid in full, an open one not at all.</summary>
    public bool PartialPayments => partialPayments;

    public InvoiceStatus Evaluate(Entry entry, InvoiceDraft draft, UpstreamValues values, TimeProvider time)
    {
        string? raw = null;
        var field = "status";
        if (path is not null && path.TryFind(entry, out var value, out var found))
        {
            raw = PathChoice.ScalarText(value) ?? value.GetRawText();
            field = found.Display;
        }

        draft.SourceStatus ??= raw;
        foreach (var paid in _paidWhen)
        {
            if (paid(entry, values))
            {
                return InvoiceStatus.Paid;
            }
        }

        if (raw is null)
        {
            return absent ?? (path is null ? InvoiceStatus.Unknown : values.UnknownStatus(field, null));
        }

        var key = raw.Trim();
        if (map.TryGetValue(key, out var status))
        {
            return status;
        }

        return open.Contains(key)
            ? InvoiceStatus.Open
            : values.UnknownStatus(field, raw);
    }
}
