using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>BR-CO-10: Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).</summary>
internal sealed class BrCo10 : En16931Rule
{
    public override string Id => "BR-CO-10";

    // Like the official rule: the sum is over the line net amounts that are there, and an absent BT-106 cannot equal it.
    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        var sum = Cents(document.Lines.Sum(l => l.Net ?? 0m));
        if (document.LineNetTotal != sum)
        {
            yield return Broken($"Sum of Invoice line net amount (BT-106) {Show(document.LineNetTotal)} ≠ Σ Invoice line net amount (BT-131) {Show(sum)}.", "totals.net");
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
        if (document is not { TaxExclusiveTotal: { } net, LineNetTotal: { } lines } || net != Cents(lines))
        {
            yield return Broken($"Invoice total amount without VAT (BT-109) {Show(document.TaxExclusiveTotal)} ≠ Sum of Invoice line net amount (BT-106) {Show(document.LineNetTotal)} (no document level allowances or charges).", "totals.net");
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

    // As the official rule: the equation needs all three amounts, so an absent one breaks it too.
    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document is not { TaxInclusiveTotal: { } gross, TaxExclusiveTotal: { } net, TaxTotal: { } tax })
        {
            var absent = new[] { ("BT-112", document.TaxInclusiveTotal), ("BT-109", document.TaxExclusiveTotal), ("BT-110", document.TaxTotal) }
                .Where(t => t.Item2 is null).Select(t => t.Item1);
            yield return Broken($"Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110): {string.Join(", ", absent)} absent.",
                document.TaxTotal is null ? "totals.tax" : document.TaxExclusiveTotal is null ? "totals.net" : "totals.gross");
        }
        else if (gross != Cents(net + tax))
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
        if (document.AmountDue is not { } due || document.TaxInclusiveTotal is not { } gross || due != Cents(gross - (document.PaidAmount ?? 0m)))
        {
            yield return Broken($"Amount due for payment (BT-115) {Show(document.AmountDue)} ≠ Invoice total amount with VAT (BT-112) {Show(document.TaxInclusiveTotal)} − Paid amount (BT-113) {Show(document.PaidAmount)}.", "totals.due");
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
