using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Net, tax and gross of a document or a line (gross = net + tax): where exactly two are known the third is
/// derived, the same way for every adapter. A given value is never replaced, so a derived value can never
/// contradict the source; when all three are given and disagree, that is the totals check's business.
/// </summary>
public static class NetTaxGross
{
    /// <summary>The three amounts with the missing one derived when the other two are known.</summary>
    /// <param name="net">Net, or null.</param>
    /// <param name="tax">Tax, or null.</param>
    /// <param name="gross">Gross, or null.</param>
    /// <returns>The amounts; unchanged unless exactly one was missing.</returns>
    public static (decimal? Net, decimal? Tax, decimal? Gross) Complete(decimal? net, decimal? tax, decimal? gross)
    {
        try
        {
            return (net, tax, gross) switch
            {
                (null, { } t, { } g) => (g - t, t, g),
                ({ } n, null, { } g) => (n, g - n, g),
                ({ } n, { } t, null) => (n, t, n + t),
                _ => (net, tax, gross),
            };
        }
        catch (OverflowException)
        {
            // Amounts at the edge of decimal's range: leave the unknown one unknown rather than fail the invoice.
            return (net, tax, gross);
        }
    }

    /// <summary>The totals with net, tax or gross derived (see <see cref="Complete(decimal?, decimal?, decimal?)"/>).</summary>
    /// <param name="totals">The totals.</param>
    /// <returns>The same instance when nothing could be derived.</returns>
    public static InvoiceTotals Complete(InvoiceTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var (net, tax, gross) = Complete(totals.Net, totals.Tax, totals.Gross);
        return net.HasValue == totals.Net.HasValue && tax.HasValue == totals.Tax.HasValue && gross.HasValue == totals.Gross.HasValue
            ? totals
            : totals with { Net = net, Tax = tax, Gross = gross };
    }

    /// <summary>The line with net, tax or gross derived (see <see cref="Complete(decimal?, decimal?, decimal?)"/>).</summary>
    /// <param name="line">The line.</param>
    /// <returns>The same instance when nothing could be derived.</returns>
    public static InvoiceLine Complete(InvoiceLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var (net, tax, gross) = Complete(line.Net, line.Tax, line.Gross);
        return net.HasValue == line.Net.HasValue && tax.HasValue == line.Tax.HasValue && gross.HasValue == line.Gross.HasValue
            ? line
            : line with { Net = net, Tax = tax, Gross = gross };
    }
}
