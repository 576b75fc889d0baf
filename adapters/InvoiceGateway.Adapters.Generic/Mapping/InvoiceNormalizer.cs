using System.Collections.Frozen;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>What a source adds to a mapping when normalizing: its name, settings and clock.</summary>
internal sealed record NormalizeSettings(SourceDescriptor Source, string DefaultCurrency, InvoiceDirection DefaultDirection);

/// <summary>A compiled <c>fields</c> section: turns one upstream entry into a canonical invoice.</summary>
internal sealed class InvoiceNormalizer(
    IBinding<InvoiceDraft>[] bindings,
    ValueReader<string?> sourceId,
    string sourceIdPath,
    StatusRule? status)
{
    /// <summary>Normalizes an entry; throws <see cref="UpstreamException"/> when it is not an invoice at all (not an object, no id).</summary>
    public Invoice Normalize(JsonElement entry, NormalizeSettings settings)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"the entry is {UpstreamJson.Describe(entry.ValueKind)}, not an object");
        }

        var values = new UpstreamValues();
        var draft = new InvoiceDraft();
        foreach (var binding in bindings)
        {
            binding.Apply(entry, values, draft);
        }

        if (draft.SourceId is not { } id)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload, $"it has no invoice id at '{sourceIdPath}'");
        }

        var state = status?.Evaluate(entry, draft, values, settings.Source.Time) ?? InvoiceStatus.Unknown;
        if (draft.Currency is { } currency && !IsCurrencyCode(currency))
        {
            values.Unparsed("currency", currency, "a three-letter ISO 4217 code");
            draft.Currency = null;
        }

        var totals = draft.Totals();
        values.CheckTotals(totals);
        return new Invoice
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
            PaidAt = draft.PaidAt,
            CreatedAt = draft.CreatedAt,
            UpdatedAt = draft.UpdatedAt,
            Currency = InvoiceRules.Currency(draft.Currency, settings.Source, settings.DefaultCurrency),
            Totals = totals,
            EarlyPaymentDiscount = draft.EarlyPaymentDiscount(),
            Issuer = draft.Issuer.ToParty(),
            Recipient = draft.Recipient.ToParty(),
            Payment = draft.Payment(),
            References = draft.References(),
            Period = draft.Period(),
            Lines = draft.Lines,
            Notes = draft.Notes,
            Warnings = values.Warnings.Count == 0 ? [] : [.. values.Warnings],
            Raw = entry.Clone(),
        };
    }

    /// <summary>The entry's id as the mapping reads it, or null (used to request the detail of a summary).</summary>
    public string? ReadId(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object ? sourceId.Read(entry, new UpstreamValues()) : null;

    private static bool IsCurrencyCode(string value) =>
        value.Length == 3 && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1]) && char.IsAsciiLetter(value[2]);
}

/// <summary>Compiled <c>fields.lines</c>: every element of an array becomes a line.</summary>
internal sealed class LinesBinding(PayloadPath path, IBinding<LineDraft>[] bindings) : IBinding<InvoiceDraft>
{
    public void Apply(JsonElement entry, UpstreamValues values, InvoiceDraft draft)
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

        var lines = new List<InvoiceLine>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            var line = new LineDraft();
            foreach (var binding in bindings)
            {
                binding.Apply(element, values, line);
            }

            lines.Add(line.ToLine());
        }

        draft.Lines = lines;
    }
}

/// <summary>
/// Compiled <c>fields.status</c>: a paid condition wins; then the value map; then the values that are open,
/// or overdue once past the due date; any other value is <c>unknown</c> with an <c>unknown_status</c> warning.
/// </summary>
internal sealed class StatusRule(
    PathChoice? path,
    IReadOnlyList<Func<JsonElement, UpstreamValues, bool>> paidWhen,
    FrozenDictionary<string, InvoiceStatus> map,
    FrozenSet<string> overdueFromDueDate,
    InvoiceStatus? absent)
{
    public InvoiceStatus Evaluate(JsonElement entry, InvoiceDraft draft, UpstreamValues values, TimeProvider time)
    {
        string? raw = null;
        var field = "status";
        if (path is not null && path.TryFind(entry, out var value, out var found))
        {
            raw = PathChoice.ScalarText(value) ?? value.GetRawText();
            field = found.Display;
        }

        draft.SourceStatus ??= raw;
        foreach (var paid in paidWhen)
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

        return overdueFromDueDate.Contains(key)
            ? InvoiceStatus.Open
            : values.UnknownStatus(field, raw);
    }
}
