using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>BR-CO-10: Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).</summary>
internal sealed class BrCo10 : En16931Rule
{
    public override string Id => "BR-CO-10";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document.LineNetTotal is not { } total || document.Lines.Any(l => l.Net is null))
        {
            yield break;
        }

        var sum = Cents(document.Lines.Sum(l => l.Net!.Value));
        if (total != sum)
        {
            yield return Broken($"Sum of Invoice line net amount (BT-106) {Show(total)} ≠ Σ Invoice line net amount (BT-131) {Show(sum)}.", "totals.net");
        }
    }
}

/// <summary>
/// BR-CO-13: Invoice total amount without VAT (BT-109) = Σ line net (BT-106) − document allowances (BT-107) + document
/// charges (BT-108). The canonical invoice has no document-level allowances or charges, so BT-109 must equal BT-106.
/// </summary>
internal sealed class BrCo13 : En16931Rule
{
    public override string Id => "BR-CO-13";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document is { TaxExclusiveTotal: { } net, LineNetTotal: { } lines } && net != Cents(lines))
        {
            yield return Broken($"Invoice total amount without VAT (BT-109) {Show(net)} ≠ Sum of Invoice line net amount (BT-106) {Show(lines)} (no document level allowances or charges).", "totals.net");
        }
    }
}

/// <summary>BR-CO-14: Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117).</summary>
internal sealed class BrCo14 : En16931Rule
{
    public override string Id => "BR-CO-14";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document.TaxTotal is not { } tax || document.VatBreakdown.Count == 0)
        {
            yield break;
        }

        var sum = Cents(document.VatBreakdown.Sum(row => row.TaxAmount));
        if (tax != sum)
        {
            yield return Broken($"Invoice total VAT amount (BT-110) {Show(tax)} ≠ Σ VAT category tax amount (BT-117) {Show(sum)}.", "totals.tax");
        }
    }
}

/// <summary>BR-CO-15: Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).</summary>
internal sealed class BrCo15 : En16931Rule
{
    public override string Id => "BR-CO-15";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document.TaxInclusiveTotal is not { } gross)
        {
            yield break;
        }

        // The official rule needs BT-110 to be there: a document without a total VAT amount cannot show its gross adds up.
        if (document.TaxTotal is not { } tax)
        {
            yield return Broken("Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110): the total VAT amount is absent.", "totals.tax");
        }
        else if (document.TaxExclusiveTotal is { } net && gross != Cents(net + tax))
        {
            yield return Broken($"Invoice total amount with VAT (BT-112) {Show(gross)} ≠ Invoice total amount without VAT (BT-109) {Show(net)} + Invoice total VAT amount (BT-110) {Show(tax)}.", "totals.gross");
        }
    }
}

/// <summary>BR-CO-16: Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) − Paid amount (BT-113) + Rounding amount (BT-114, never given).</summary>
internal sealed class BrCo16 : En16931Rule
{
    public override string Id => "BR-CO-16";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document is { AmountDue: { } due, TaxInclusiveTotal: { } gross })
        {
            var paid = document.PaidAmount ?? 0m;
            if (due != Cents(gross - paid))
            {
                yield return Broken($"Amount due for payment (BT-115) {Show(due)} ≠ Invoice total amount with VAT (BT-112) {Show(gross)} − Paid amount (BT-113) {Show(document.PaidAmount)}.", "totals.due");
            }
        }
    }
}

/// <summary>
/// BR-CO-17: VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) × (VAT category rate (BT-119) / 100),
/// rounded to two decimals; like the official rule, a difference below one unit is accepted (line-by-line rounding).
/// </summary>
internal sealed class BrCo17 : En16931Rule
{
    public override string Id => "BR-CO-17";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document) =>
        document.VatBreakdown.Where(row => !Holds(row))
            .Select(row => Broken(
                $"VAT category tax amount (BT-117) {Show(row.TaxAmount)} ≠ taxable amount (BT-116) {Show(row.TaxableAmount)} × {Show(row.Category.Rate)} % for category {row.Category.Code}.",
                "lines[].tax"));

    public static bool Holds(VatBreakdown row)
    {
        var expected = Cents(Math.Abs(row.TaxableAmount) * (row.Category.Rate ?? 0m) / 100m);
        return Math.Abs(Math.Abs(row.TaxAmount) - expected) < 1m;
    }
}
