namespace InvoiceGateway.EInvoicing.Document;

/// <summary>
/// Units of measure as UN/ECE Recommendation 20 codes (BT-130). Invoicing APIs write units as words ("stk", "timer");
/// the common unambiguous ones are converted, a value that already looks like a code is kept, and anything else is
/// kept as it is and reported by BR-CL-23, never guessed.
/// </summary>
internal static class UnitCodes
{
    private static readonly Dictionary<string, string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["stk"] = "H87", ["stk."] = "H87", ["stykk"] = "H87", ["pcs"] = "H87", ["piece"] = "H87", ["pieces"] = "H87", ["stück"] = "H87",
        ["timer"] = "HUR", ["time"] = "HUR", ["hour"] = "HUR", ["hours"] = "HUR", ["stunde"] = "HUR", ["stunden"] = "HUR",
        ["min"] = "MIN", ["minutt"] = "MIN", ["minutter"] = "MIN", ["minute"] = "MIN", ["minutes"] = "MIN",
        ["dag"] = "DAY", ["dager"] = "DAY", ["day"] = "DAY", ["days"] = "DAY", ["tag"] = "DAY", ["tage"] = "DAY",
        ["uke"] = "WEE", ["uker"] = "WEE", ["week"] = "WEE", ["weeks"] = "WEE",
        ["mnd"] = "MON", ["måned"] = "MON", ["måneder"] = "MON", ["month"] = "MON", ["months"] = "MON", ["monat"] = "MON",
        ["år"] = "ANN", ["year"] = "ANN", ["years"] = "ANN", ["jahr"] = "ANN",
        ["kg"] = "KGM", ["g"] = "GRM", ["km"] = "KMT", ["m"] = "MTR", ["m2"] = "MTK", ["m²"] = "MTK", ["m3"] = "MTQ", ["m³"] = "MTQ",
        ["l"] = "LTR", ["liter"] = "LTR", ["litre"] = "LTR",
    };

    public static string? ToRec20(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return null;
        }

        var trimmed = unit.Trim();
        return Words.TryGetValue(trimmed, out var code) ? code : trimmed;
    }

    /// <summary>The shape of a Recommendation 20 (or 21) code: two or three capital letters or digits.</summary>
    public static bool LooksLikeCode(string unit) =>
        unit.Length is 2 or 3 && unit.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}
