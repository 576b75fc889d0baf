using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// The amount rules of SPEC §3 that hold for every source: credit notes carry positive amounts, line amounts have two
/// decimals, and the lines are checked against themselves and against the header (EN 16931 BR-CO-10 style).
/// </summary>
public static class InvoiceArithmetic
{
    /// <summary>How far a line's net may be from quantity × unit price less its discount (SPEC §3: 0.02).</summary>
    public const decimal LineTolerance = 0.02m;

    /// <summary>How far the lines' net may be from the header's net (SPEC §3: 0.01).</summary>
    public const decimal TotalTolerance = 0.01m;

    /// <summary>
    /// A credit note sent with negative amounts (its gross, else its net, below 0) as on the document: every negative
    /// total becomes positive, and each line changes sign (its quantity or unit price, whichever was negative, too), so
    /// that a line that was a charge against the credit stays one. Other invoices are returned unchanged.
    /// </summary>
    /// <param name="invoice">The invoice.</param>
    /// <returns>The invoice with positive amounts, or the same instance.</returns>
    public static Invoice PositiveCreditNote(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var totals = invoice.Totals;
        if (invoice.Kind != InvoiceKind.CreditNote || (totals.Gross ?? totals.Net) is not < 0m)
        {
            return invoice;
        }

        return invoice with
        {
            Totals = new InvoiceTotals(
                Abs(totals.Net), Abs(totals.Tax), Abs(totals.Gross), Abs(totals.Paid), Abs(totals.Due), Abs(totals.MinimumDue), Abs(totals.Credited)),
            Lines = invoice.Lines.Select(Flip).ToArray(),
            Allocations = invoice.Allocations.Select(a => a with { Amount = Abs(a.Amount) }).ToArray(),
        };
    }

    /// <summary>Line net, tax and gross rounded to two decimals (half away from zero); amounts with fewer decimals keep their scale.</summary>
    /// <param name="lines">The lines.</param>
    /// <returns>The lines, the same instance when none needed rounding.</returns>
    public static IReadOnlyList<InvoiceLine> RoundLineAmounts(IReadOnlyList<InvoiceLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (!lines.Any(l => NeedsRounding(l.Net) || NeedsRounding(l.Tax) || NeedsRounding(l.Gross)))
        {
            return lines;
        }

        return lines.Select(l => l with { Net = Round(l.Net), Tax = Round(l.Tax), Gross = Round(l.Gross) }).ToArray();
    }

    /// <summary>
    /// Records <see cref="WarningCodes.LineMismatch"/> for each line whose net differs from quantity × unit price less its
    /// discount by more than <see cref="LineTolerance"/>, and <see cref="WarningCodes.LinesMismatch"/> when the lines' net
    /// amounts (all known) differ from the header's net by more than <see cref="TotalTolerance"/>.
    /// </summary>
    /// <param name="invoice">The invoice, with its lines' amounts rounded.</param>
    /// <param name="values">Where the warnings go.</param>
    public static void CheckLines(Invoice invoice, UpstreamValues values)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(values);
        var lines = invoice.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is { Quantity: { } quantity, UnitPrice: { } price, Net: { } net } line)
            {
                var discount = line.DiscountPercent ?? 0m;
                var expected = quantity * price * (100m - discount) / 100m;
                if (Math.Abs(expected - net) > LineTolerance)
                {
                    values.Warn(WarningCodes.LineMismatch, string.Create(CultureInfo.InvariantCulture,
                        $"Line {line.Position ?? i + 1}: quantity {quantity} × unit price {price}{(discount == 0m ? "" : $" less {discount} %")} is {Math.Round(expected, 2, MidpointRounding.AwayFromZero)}, but its net is {net}."));
                }
            }
        }

        if (lines.Count > 0 && invoice.Totals.Net is { } headerNet && lines.All(l => l.Net.HasValue))
        {
            var sum = lines.Sum(l => l.Net!.Value);
            if (Math.Abs(sum - headerNet) > TotalTolerance)
            {
                values.Warn(WarningCodes.LinesMismatch, string.Create(CultureInfo.InvariantCulture,
                    $"The lines' net amounts add up to {sum}, but the invoice's net is {headerNet} (EN 16931 BR-CO-10)."));
            }
        }
    }

    /// <summary>
    /// A line of a credit note turned positive: its amounts change sign, the unit price is never negative (EN 16931
    /// BR-27) and the quantity carries the line's sign, so that quantity × unit price still gives its net.
    /// </summary>
    private static InvoiceLine Flip(InvoiceLine line)
    {
        var net = -line.Net;
        var gross = -line.Gross;
        var quantity = line.Quantity;
        if ((net ?? gross) is { } sign && quantity is { } q)
        {
            quantity = sign < 0m ? -Math.Abs(q) : Math.Abs(q);
        }
        else if (quantity is { } given && line.UnitPrice is not < 0m)
        {
            quantity = -given;
        }

        return line with { Net = net, Tax = -line.Tax, Gross = gross, Quantity = quantity, UnitPrice = Abs(line.UnitPrice) };
    }

    private static decimal? Abs(decimal? amount) => amount is { } value ? Math.Abs(value) : null;

    private static bool NeedsRounding(decimal? amount) => amount is { } value && value.Scale > 2;

    private static decimal? Round(decimal? amount) =>
        amount is { } value && value.Scale > 2 ? Math.Round(value, 2, MidpointRounding.AwayFromZero) : amount;
}
