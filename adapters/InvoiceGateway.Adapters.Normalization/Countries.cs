using System.Collections.Frozen;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>Country names (English and the Nordic and German names upstreams here use) to ISO 3166-1 alpha-2.</summary>
public static class Countries
{
    private static readonly FrozenDictionary<string, string> ByName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["NORGE"] = "NO", ["NOREG"] = "NO", ["NORWAY"] = "NO", ["NORWEGEN"] = "NO",
        ["SVERIGE"] = "SE", ["SWEDEN"] = "SE", ["SCHWEDEN"] = "SE",
        ["DANMARK"] = "DK", ["DENMARK"] = "DK", ["DÄNEMARK"] = "DK",
        ["FINLAND"] = "FI", ["SUOMI"] = "FI", ["FINNLAND"] = "FI",
        ["ISLAND"] = "IS", ["ICELAND"] = "IS",
        ["TYSKLAND"] = "DE", ["GERMANY"] = "DE", ["DEUTSCHLAND"] = "DE",
        ["ØSTERRIKE"] = "AT", ["AUSTRIA"] = "AT", ["ÖSTERREICH"] = "AT",
        ["SVEITS"] = "CH", ["SWITZERLAND"] = "CH", ["SCHWEIZ"] = "CH",
        ["NEDERLAND"] = "NL", ["NETHERLANDS"] = "NL", ["THE NETHERLANDS"] = "NL", ["NIEDERLANDE"] = "NL", ["HOLLAND"] = "NL",
        ["BELGIA"] = "BE", ["BELGIUM"] = "BE", ["BELGIEN"] = "BE",
        ["FRANKRIKE"] = "FR", ["FRANCE"] = "FR", ["FRANKREICH"] = "FR",
        ["SPANIA"] = "ES", ["SPAIN"] = "ES", ["SPANIEN"] = "ES",
        ["ITALIA"] = "IT", ["ITALY"] = "IT", ["ITALIEN"] = "IT",
        ["STORBRITANNIA"] = "GB", ["UNITED KINGDOM"] = "GB", ["GREAT BRITAIN"] = "GB", ["ENGLAND"] = "GB", ["UK"] = "GB",
        ["IRLAND"] = "IE", ["IRELAND"] = "IE",
        ["POLEN"] = "PL", ["POLAND"] = "PL",
        ["PORTUGAL"] = "PT", ["LUXEMBOURG"] = "LU", ["LUXEMBURG"] = "LU",
        ["ESTLAND"] = "EE", ["ESTONIA"] = "EE", ["LATVIA"] = "LV", ["LITAUEN"] = "LT", ["LITHUANIA"] = "LT",
        ["USA"] = "US", ["UNITED STATES"] = "US", ["UNITED STATES OF AMERICA"] = "US", ["USA (UNITED STATES)"] = "US",
        ["CANADA"] = "CA", ["LIBERIA"] = "LR", ["NIGERIA"] = "NG", ["GHANA"] = "GH", ["KENYA"] = "KE",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The ISO 3166-1 alpha-2 code of a country name or code; a two-letter value is upper-cased;
    /// an unknown name is returned trimmed as given (the spec keeps what it cannot map).
    /// </summary>
    /// <param name="value">The upstream value.</param>
    /// <returns>The code, the value, or <c>null</c> when blank.</returns>
    public static string? ToIsoAlpha2(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length == 2 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1]))
        {
            return text.ToUpperInvariant();
        }

        return ByName.TryGetValue(text, out var code) ? code : text;
    }
}
