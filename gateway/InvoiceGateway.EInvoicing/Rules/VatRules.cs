using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>
/// BR-CO-04: each line has a VAT category (BT-151). A category is known only from a rate above zero (standard rated);
/// a rate of zero or none leaves it unknown, and that is reported here rather than guessed.
/// </summary>
internal sealed class BrCo04 : En16931Rule
{
    public override string Id => "BR-CO-04";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document) =>
        document.Lines.Where(l => l.Category is null).Select(l => Broken(
            l.TaxRate is null
                ? $"Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151): the source gives no VAT rate for line {l.Id}."
                : $"Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151): a rate of {Show(l.TaxRate)} % on line {l.Id} does not tell whether it is zero rated, exempt, reverse charged or outside the scope of VAT.",
            $"{l.Field}.taxRate"));
}

/// <summary>
/// BR-CO-18: an invoice has at least one VAT breakdown (BG-23). That needs a line with both a known category and a net
/// amount, and the invoice's total VAT amount (BT-110), the element UBL writes the breakdown in.
/// </summary>
internal sealed class BrCo18 : En16931Rule
{
    public override string Id => "BR-CO-18";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document.VatBreakdown.Count == 0)
        {
            yield return Broken("An Invoice shall at least have one VAT breakdown group (BG-23): no line has both a known VAT category and a net amount.", "lines[].taxRate");
        }
        else if (document.TaxTotal is null)
        {
            yield return Broken("An Invoice shall at least have one VAT breakdown group (BG-23): without the Invoice total VAT amount (BT-110) there is none.", "totals.tax");
        }
    }
}

/// <summary>BR-S-02: an invoice with a standard rated line carries the Seller VAT identifier (BT-31).</summary>
internal sealed class BrS02 : En16931Rule
{
    public override string Id => "BR-S-02";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document.Lines.Any(l => l.Category?.Code == VatCategory.StandardRated) && string.IsNullOrWhiteSpace(document.Seller?.VatNumber))
        {
            yield return Broken("An Invoice that contains an Invoice line where the Invoiced item VAT category code (BT-151) is \"Standard rated\" shall contain the Seller VAT Identifier (BT-31).", "issuer.vatNumber");
        }
    }
}

/// <summary>BR-S-09: in a standard rated breakdown, BT-117 = BT-116 × BT-119 / 100 (within one unit, as the official rule).</summary>
internal sealed class BrS09 : En16931Rule
{
    public override string Id => "BR-S-09";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document) =>
        document.VatBreakdown.Where(row => row.Category.Code == VatCategory.StandardRated && !BrCo17.Holds(row))
            .Select(row => Broken(
                $"The VAT category tax amount (BT-117) {Show(row.TaxAmount)} of the standard rated breakdown at {Show(row.Category.Rate)} % shall equal the taxable amount (BT-116) {Show(row.TaxableAmount)} multiplied by the rate.",
                "lines[].tax"));
}

/// <summary>BR-CO-09: VAT identifiers (BT-31, BT-48) start with an ISO 3166-1 alpha-2 country prefix (Greece: EL).</summary>
internal sealed class BrCo09 : En16931Rule
{
    public override string Id => "BR-CO-09";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        foreach (var (vat, field) in new[] { (document.Seller?.VatNumber, "issuer.vatNumber"), (document.Buyer?.VatNumber, "recipient.vatNumber") })
        {
            if (!string.IsNullOrWhiteSpace(vat) && !(vat.Length > 2 && char.IsAsciiLetterUpper(vat[0]) && char.IsAsciiLetterUpper(vat[1])))
            {
                yield return Broken($"The VAT identifier '{vat}' shall have a prefix in accordance with ISO code ISO 3166-1 alpha-2 by which the country of issue may be identified.", field);
            }
        }
    }
}

/// <summary>BR-CO-26: the seller is identified by a legal registration identifier (BT-30) or a VAT identifier (BT-31).</summary>
internal sealed class BrCo26 : En16931Rule
{
    public override string Id => "BR-CO-26";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (string.IsNullOrWhiteSpace(document.Seller?.OrganizationNumber) && string.IsNullOrWhiteSpace(document.Seller?.VatNumber))
        {
            yield return Broken("In order for the buyer to automatically identify a supplier, the Seller legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be present.", "issuer.organizationNumber");
        }
    }
}

/// <summary>BR-S-01: an invoice with a standard rated line has a standard rated VAT breakdown (which needs the lines' net amounts and the total VAT amount).</summary>
internal sealed class BrS01 : En16931Rule
{
    public override string Id => "BR-S-01";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        var standardLines = document.Lines.Any(l => l.Category?.Code == VatCategory.StandardRated);
        var standardBreakdown = document.TaxTotal is not null && document.VatBreakdown.Any(r => r.Category.Code == VatCategory.StandardRated);
        if (standardLines && !standardBreakdown)
        {
            yield return Broken("An Invoice that contains a standard rated Invoice line shall contain at least one standard rated VAT breakdown (BG-23).", "lines[].net");
        }
    }
}
