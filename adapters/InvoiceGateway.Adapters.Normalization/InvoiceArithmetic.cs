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
    /// that a line that was a charge against the credit stays one. The amounts of other invoices are returned unchanged.
    /// </summary>
    /// <param name="kind">The invoice's kind.</param>
    /// <param name="amounts">Its totals, lines and allocations.</param>
    /// <returns>The amounts made positive, or the same amounts.</returns>
    public static InvoiceAmounts PositiveCreditNote(InvoiceKind kind, InvoiceAmounts amounts)
    {
        var totals = amounts.Totals;
        ArgumentNullException.ThrowIfNull(totals);
        if (kind != InvoiceKind.CreditNote || (totals.Gross ?? totals.Net) is not < 0m)
        {
            return amounts;
        }

        var lines = new InvoiceLine[amounts.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = Flip(amounts.Lines[i]);
        }

        var allocations = new InvoiceAllocation[amounts.Allocations.Count];
        for (var i = 0; i < allocations.Length; i++)
        {
            allocations[i] = amounts.Allocations[i] with { Amount = Abs(amounts.Allocations[i].Amount) };
        }

        return new InvoiceAmounts(
            new InvoiceTotals(
                Abs(totals.Net), Abs(totals.Tax), Abs(totals.Gross), Abs(totals.Paid), Abs(totals.Due), Abs(totals.MinimumDue), Abs(totals.Credited)),
            lines,
            allocations);
    }

    /// <summary>Line net, tax and gross rounded to two decimals (half away from zero); amounts with fewer decimals keep their scale.</summary>
    /// <param name="lines">The lines.</param>
    /// <returns>The lines, the same instance when none needed rounding.</returns>
    public static IReadOnlyList<InvoiceLine> RoundLineAmounts(IReadOnlyList<InvoiceLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        // Loops rather than LINQ: this runs for every invoice of every adapter (no enumerator or delegate per call).
        var first = 0;
        while (first < lines.Count && !NeedsRounding(lines[first]))
        {
            first++;
        }

        if (first == lines.Count)
        {
            return lines;
        }

        var rounded = new InvoiceLine[lines.Count];
        for (var i = 0; i < rounded.Length; i++)
        {
            var l = lines[i];
            rounded[i] = l with { Net = Round(l.Net), Tax = Round(l.Tax), Gross = Round(l.Gross) };
        }

        return rounded;
    }

    /// <summary>
    /// Records <see cref="WarningCodes.LineMismatch"/> for each line whose net differs from quantity × unit price less its
    /// discount by more than <see cref="LineTolerance"/>, and <see cref="WarningCodes.LinesMismatch"/> when the lines' net
    /// amounts (all known) differ from the header's net by more than <see cref="TotalTolerance"/>.
    /// </summary>
    /// <param name="lines">The lines, their amounts rounded.</param>
    /// <param name="totals">The invoice's totals.</param>
    /// <param name="values">Where the warnings go.</param>
    public static void CheckLines(IReadOnlyList<InvoiceLine> lines, InvoiceTotals totals, UpstreamValues values)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(values);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line is { Quantity: { } quantity, UnitPrice: { } price, Net: { } net })
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

        if (lines.Count > 0 && totals.Net is { } headerNet && NetSum(lines) is { } sum && Math.Abs(sum - headerNet) > TotalTolerance)
        {
            values.Warn(WarningCodes.LinesMismatch, string.Create(CultureInfo.InvariantCulture,
                $"The lines' net amounts add up to {sum}, but the invoice's net is {headerNet} (EN 16931 BR-CO-10)."));
        }
    }

    /// <summary>
    /// The lines' net amounts added up in order from 0, as Enumerable.Sum did (without its enumerator and delegate), or
    /// <c>null</c> when a net is unknown: then nothing is added, so an overflow is thrown exactly when it was.
    /// </summary>
    private static decimal? NetSum(IReadOnlyList<InvoiceLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Net is null)
            {
                return null;
            }
        }

        var sum = 0m;
        for (var i = 0; i < lines.Count; i++)
        {
            sum += lines[i].Net!.Value;
        }

        return sum;
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

    private static bool NeedsRounding(InvoiceLine line) => NeedsRounding(line.Net) || NeedsRounding(line.Tax) || NeedsRounding(line.Gross);

    private static bool NeedsRounding(decimal? amount) => amount is { } value && value.Scale > 2;

    private static decimal? Round(decimal? amount) =>
        amount is { } value && value.Scale > 2 ? Math.Round(value, 2, MidpointRounding.AwayFromZero) : amount;
}

/// <summary>The amounts <see cref="InvoiceRules.FinishAmounts"/> works on: an invoice's totals, lines and allocations.</summary>
/// <param name="Totals">The totals.</param>
/// <param name="Lines">The lines.</param>
/// <param name="Allocations">The allocations.</param>
public readonly record struct InvoiceAmounts(InvoiceTotals Totals, IReadOnlyList<InvoiceLine> Lines, IReadOnlyList<InvoiceAllocation> Allocations);
