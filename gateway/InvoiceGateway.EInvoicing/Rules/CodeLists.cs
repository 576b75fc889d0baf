using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>
/// BR-CL-04: the invoice currency is an ISO 4217 alpha-3 code. Checked for its shape (three capital letters): the
/// adapters already take currencies from the source or its configuration.
/// </summary>
internal sealed class BrCl04 : En16931Rule
{
    public override string Id => "BR-CL-04";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        if (document.Currency is { } currency && !(currency.Length == 3 && currency.All(char.IsAsciiLetterUpper)))
        {
            yield return Broken($"Invoice currency code MUST be coded using ISO code list 4217 alpha-3 (got '{currency}').", "currency");
        }
    }
}

/// <summary>
/// BR-CL-14: country codes are ISO 3166-1 alpha-2. Normalizing converts names and alpha-3 codes and keeps (with a
/// warning) what it cannot convert, so a kept value shows up here.
/// </summary>
internal sealed class BrCl14 : En16931Rule
{
    public override string Id => "BR-CL-14";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document)
    {
        foreach (var (country, field) in new[]
                 {
                     (document.Seller?.Address?.Country, "issuer.address.country"),
                     (document.Buyer?.Address?.Country, "recipient.address.country"),
                 })
        {
            if (!string.IsNullOrWhiteSpace(country) && !IsAlpha2(country))
            {
                yield return Broken($"Country codes in an invoice MUST be coded using ISO code list 3166-1 (got '{country}').", field);
            }
        }
    }

    public static bool IsAlpha2(string country) => country.Length == 2 && country.All(char.IsAsciiLetterUpper);
}

/// <summary>
/// BR-CL-23: units of measure are UN/ECE Recommendation 20 (with Rec 21) codes. Checked for the shape of a code: a unit
/// word the export could not convert (see <see cref="UnitCodes"/>) shows up here.
/// </summary>
internal sealed class BrCl23 : En16931Rule
{
    public override string Id => "BR-CL-23";

    public override IEnumerable<RuleResult> Check(EInvoiceDocument document) =>
        document.Lines.Where(l => l.Unit is { } unit && !UnitCodes.LooksLikeCode(unit))
            .Select(l => Broken($"Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension (got '{l.Unit}' on line {l.Id}).", $"{l.Field}.unit"));
}
