using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>
/// BR-DEC: amounts have at most two decimals. Amounts are written as the source gave them (never rounded), so a source
/// amount with more decimals breaks the rule that names its business term.
/// </summary>
internal sealed class DecimalsRule(string id, string term, string field, Func<EInvoiceDocument, IEnumerable<decimal?>> amounts) : En16931Rule
{
    public override string Id => id;

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document) =>
        amounts(document).Where(a => a is { } value && value != decimal.Round(value, 2))
            .Select(a => Broken($"The allowed maximum number of decimals for the {term} is 2 (got {Show(a)}).", field));

    public static IEnumerable<En16931Rule> All =>
    [
        new DecimalsRule("BR-DEC-09", "Sum of Invoice line net amount (BT-106)", "totals.net", d => [d.LineNetTotal]),
        new DecimalsRule("BR-DEC-12", "Invoice total amount without VAT (BT-109)", "totals.net", d => [d.TaxExclusiveTotal]),
        new DecimalsRule("BR-DEC-13", "Invoice total VAT amount (BT-110)", "totals.tax", d => [d.TaxTotal]),
        new DecimalsRule("BR-DEC-14", "Invoice total amount with VAT (BT-112)", "totals.gross", d => [d.TaxInclusiveTotal]),
        new DecimalsRule("BR-DEC-16", "Paid amount (BT-113)", "totals.paid", d => [d.PaidAmount]),
        new DecimalsRule("BR-DEC-18", "Amount due for payment (BT-115)", "totals.due", d => [d.AmountDue]),
        new DecimalsRule("BR-DEC-19", "VAT category taxable amount (BT-116)", "lines[].net", d => d.VatBreakdown.Select(r => (decimal?)r.TaxableAmount)),
        new DecimalsRule("BR-DEC-20", "VAT category tax amount (BT-117)", "lines[].tax", d => d.VatBreakdown.Select(r => (decimal?)r.TaxAmount)),
        new DecimalsRule("BR-DEC-23", "Invoice line net amount (BT-131)", "lines[].net", d => d.Lines.Select(l => l.Net)),
    ];
}
