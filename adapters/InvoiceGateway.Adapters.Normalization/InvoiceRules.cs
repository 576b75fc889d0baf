using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>The status and time rules the adapters share.</summary>
public static class InvoiceRules
{
    /// <summary>
    /// Currency codes upstreams send (Nordic, euro, pound, dollar, franc, zloty), for a reader to take these strings
    /// instead of making a new one per invoice; not all of ISO 4217: another code is read as before, as a new string.
    /// </summary>
    public static KnownText CurrencyCodes { get; } = new(["NOK", "SEK", "DKK", "ISK", "EUR", "GBP", "USD", "CHF", "PLN"]);

    /// <summary>Today's date in UTC on the given clock.</summary>
    /// <param name="time">The clock.</param>
    /// <returns>Today.</returns>
    public static DateOnly Today(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// Canonical properties no adapter fills: <c>overdue</c>/<c>daysOverdue</c> are computed when an invoice is
    /// served (they change with the date), <c>changedAt</c> when the gateway sees new content.
    /// </summary>
    /// <param name="propertyName">A property name of the canonical model.</param>
    /// <returns>Whether the gateway computes it.</returns>
    public static bool IsGatewayComputed(string propertyName) =>
        propertyName is nameof(Invoice.Overdue) or nameof(Invoice.DaysOverdue) or nameof(Invoice.ChangedAt);

    /// <summary>The currency: the payload's, else the source's setting, else the adapter's default, upper-cased.</summary>
    /// <param name="payload">The payload's currency, if any.</param>
    /// <param name="source">The source.</param>
    /// <param name="adapterDefault">The adapter's default.</param>
    /// <returns>The ISO 4217 code.</returns>
    public static string Currency(string? payload, SourceDescriptor source, string adapterDefault)
    {
        ArgumentNullException.ThrowIfNull(source);
        var value = !string.IsNullOrWhiteSpace(payload) ? payload
            : !string.IsNullOrWhiteSpace(source.Currency) ? source.Currency
            : adapterDefault;
        return value.Trim().ToUpperInvariant();
    }

    /// <summary>
    /// What every adapter does to its mapped invoice before serving it: credit notes to positive amounts, line amounts
    /// to two decimals, then the checks (<c>net_exceeds_gross</c>, <c>totals_mismatch</c>, <c>line_mismatch</c>,
    /// <c>lines_mismatch</c>); the warnings recorded so far become the invoice's. Call it once, last (it replaces a
    /// separate <see cref="UpstreamValues.CheckTotals"/>). It copies the invoice once; an adapter that builds its invoice
    /// by hand builds it once, with <see cref="FinishAmounts"/>.
    /// </summary>
    /// <param name="invoice">The mapped invoice.</param>
    /// <param name="values">The values reader the invoice was mapped with; the checks add to its warnings.</param>
    /// <param name="raw">The upstream payload to keep as <see cref="Invoice.Raw"/>, when the mapped invoice has none yet
    /// (set here rather than by another copy of the whole invoice afterwards).</param>
    /// <param name="status">The status as a rule over the finished totals (signs already positive), for an API that sends
    /// none; set here for the same reason as <paramref name="raw"/>. Without it the mapped status stays.</param>
    /// <returns>The finished invoice.</returns>
    public static Invoice Finish(Invoice invoice, UpstreamValues values, RawJson? raw = null, Func<InvoiceTotals, InvoiceStatus>? status = null)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var amounts = FinishAmounts(invoice.Kind, new InvoiceAmounts(invoice.Totals, invoice.Lines, invoice.Allocations), values);
        return invoice with
        {
            Totals = amounts.Totals,
            Lines = amounts.Lines,
            Allocations = amounts.Allocations,
            Warnings = values.Warnings.ToArray(),
            Raw = raw ?? invoice.Raw,
            Status = status?.Invoke(amounts.Totals) ?? invoice.Status,
        };
    }

    /// <summary>
    /// What <see cref="Finish"/> does to the amounts, for an adapter that builds its invoice by hand once they are final,
    /// instead of building it and then a finished copy (a second invoice per invoice: about 0.35 KB and the copy,
    /// bench/results/normalization-rules-2026-12-02.md): credit notes to positive amounts, line amounts to two decimals,
    /// then the checks, which add to <paramref name="values"/>' warnings. Read every value first (the checks' warnings
    /// come after the mapping's), and then give the invoice <c>values.Warnings.ToArray()</c>, the returned amounts and
    /// a status decided from the returned totals: it is then the invoice <see cref="Finish"/> returns.
    /// </summary>
    /// <param name="kind">The invoice's kind.</param>
    /// <param name="amounts">Its totals, lines and allocations as mapped.</param>
    /// <param name="values">The values reader the invoice was mapped with.</param>
    /// <returns>The finished totals, lines and allocations (the same instances where nothing changed).</returns>
    public static InvoiceAmounts FinishAmounts(InvoiceKind kind, InvoiceAmounts amounts, UpstreamValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var positive = InvoiceArithmetic.PositiveCreditNote(kind, amounts);
        var finished = positive with { Lines = InvoiceArithmetic.RoundLineAmounts(positive.Lines) };
        values.CheckTotals(finished.Totals);
        InvoiceArithmetic.CheckLines(finished.Lines, finished.Totals, values);
        return finished;
    }

    /// <summary>
    /// The currency for an API that has no documented default (SPEC §3): the payload's, else the source's
    /// setting, else the adapter's default when it has one; otherwise <c>null</c> with a
    /// <see cref="WarningCodes.CurrencyMissing"/> warning, never an invented one.
    /// </summary>
    /// <param name="payload">The payload's currency, if any.</param>
    /// <param name="source">The source.</param>
    /// <param name="adapterDefault">The default for an API that is single-currency by its docs, else null.</param>
    /// <param name="values">Where the warning is recorded.</param>
    /// <returns>The ISO 4217 code, or null.</returns>
    public static string? Currency(string? payload, SourceDescriptor source, string? adapterDefault, UpstreamValues values)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(values);
        if (!string.IsNullOrWhiteSpace(payload) || !string.IsNullOrWhiteSpace(source.Currency) || !string.IsNullOrWhiteSpace(adapterDefault))
        {
            return Currency(payload, source, adapterDefault ?? string.Empty);
        }

        values.Warn(WarningCodes.CurrencyMissing,
            $"Neither the payload nor the source's Currency setting names a currency; set Sources:{source.Name}:Currency if the API is single-currency.");
        return null;
    }

    /// <summary>Returns <c>null</c> for a blank string, else the string trimmed.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The trimmed value or <c>null</c>.</returns>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
