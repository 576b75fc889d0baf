using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>The status and time rules the adapters share.</summary>
public static class InvoiceRules
{
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

    /// <summary>Returns <c>null</c> for a blank string, else the string trimmed.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The trimmed value or <c>null</c>.</returns>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
