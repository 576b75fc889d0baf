using System.Globalization;
using System.Xml.Linq;

namespace InvoiceGateway.EInvoicing.Ubl;

/// <summary>The OASIS UBL 2.1 namespaces and the Peppol BIS Billing 3.0 identifiers (SPEC §9).</summary>
public static class UblNames
{
    /// <summary>The media type of a UBL document.</summary>
    public const string MediaType = "application/vnd.oasis.ubl+xml";

    /// <summary>Specification identifier [BT-24]: EN 16931, Peppol BIS Billing 3.0.</summary>
    public const string CustomizationId = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";

    /// <summary>Business process type [BT-23].</summary>
    public const string ProfileId = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

    /// <summary>The namespace of an <c>Invoice</c> document.</summary>
    public static readonly XNamespace Invoice = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";

    /// <summary>The namespace of a <c>CreditNote</c> document.</summary>
    public static readonly XNamespace CreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

    /// <summary>Common aggregate components (<c>cac</c>).</summary>
    public static readonly XNamespace Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";

    /// <summary>Common basic components (<c>cbc</c>).</summary>
    public static readonly XNamespace Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
}

/// <summary>How values are spelled in UBL.</summary>
internal static class UblValues
{
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// An amount as the source gave it. Trailing zeros past the cents are dropped (<c>463.000</c> is <c>463.00</c>, the
    /// same value): the official rules count decimals in the text. A value that needs more than two decimals is kept.
    /// </summary>
    public static string Amount(decimal amount) =>
        amount.Scale > 2 && amount == decimal.Round(amount, 2)
            ? decimal.Round(amount, 2).ToString("0.00", CultureInfo.InvariantCulture)
            : amount.ToString(CultureInfo.InvariantCulture);

    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
