namespace InvoiceGateway.EInvoicing.Rules;

/// <summary>
/// Peppol BIS Billing 3.0 rules beyond EN 16931 that the canonical invoice can miss. They are flagged as warnings here:
/// the verdict is EN 16931's, and a Peppol access point needs these on top.
/// </summary>
internal static class PeppolRules
{
    public static readonly En16931Rule R010 = new MandatoryTerm(
        "PEPPOL-EN16931-R010", "recipient.electronicAddress",
        "Buyer electronic address (BT-49) MUST be provided for a Peppol invoice.",
        d => !string.IsNullOrWhiteSpace(d.Buyer?.ElectronicAddress?.Value), RuleFlag.Warning);

    public static readonly En16931Rule R020 = new MandatoryTerm(
        "PEPPOL-EN16931-R020", "issuer.electronicAddress",
        "Seller electronic address (BT-34) MUST be provided for a Peppol invoice.",
        d => !string.IsNullOrWhiteSpace(d.Seller?.ElectronicAddress?.Value), RuleFlag.Warning);

    public static IEnumerable<En16931Rule> All => [R010, R020];
}
