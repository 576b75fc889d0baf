using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Country values to ISO 3166-1 alpha-2: an alpha-2 code (checked against the standard's list, <c>UK</c> → <c>GB</c>,
/// <c>EL</c> → <c>GR</c>), an alpha-3 code (<c>LBR</c> → <c>LR</c>) or a name in English, in the country's own
/// languages or as Nordic and German upstreams write it (<c>NORGE</c>, <c>Åland</c>, <c>Tyskland</c>). Names are
/// compared without case, accents, spaces or punctuation. The table is <c>Countries.txt</c> (249 countries), generated
/// from .NET's ICU region data: the gateway runs with invariant globalization, so <c>RegionInfo</c> cannot be asked at run time.
/// </summary>
public static class Countries
{
    private static readonly (FrozenSet<string> Alpha2, FrozenDictionary<string, string> Lookup, FrozenDictionary<string, string> AsWritten) Table = Load();

    /// <summary>
    /// The country values as the table writes them (alpha-2 codes, and each name as written, upper and lower case), for a
    /// reader to take the table's string for such a value instead of making a new one per invoice.
    /// </summary>
    public static KnownText Spellings { get; } = new(Table.Alpha2.Concat(Table.AsWritten.Keys));

    /// <summary>The ISO 3166-1 alpha-2 code of a country code or name, or <c>null</c> when blank or not a country.</summary>
    /// <param name="value">The upstream value.</param>
    /// <returns>The upper-case alpha-2 code, or <c>null</c>.</returns>
    public static string? TryToIsoAlpha2(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length == 2)
        {
            // A two-letter value is a code or nothing: "NO" is Norway, "XY" is no country (it is not looked up as a name).
            var code = text.ToUpperInvariant();
            return code switch
            {
                "UK" => "GB", // ISO 3166 reserves UK for the United Kingdom; GB is its code.
                "EL" => "GR", // The EU's code for Greece (VAT numbers), GR in ISO 3166.
                _ => Table.Alpha2.Contains(code) ? code : null,
            };
        }

        // The table's own spellings are answered without building the comparison key (the profile's Countries.Key).
        if (Table.AsWritten.TryGetValue(text, out var written))
        {
            return written;
        }

        return Table.Lookup.TryGetValue(Key(text), out var found) ? found : null;
    }

    /// <summary>
    /// The ISO 3166-1 alpha-2 code of a country code or name; a value that is no known country is returned trimmed as
    /// given (SPEC §3 keeps what it cannot convert). Adapters use <see cref="UpstreamValues.Country"/>, which also warns.
    /// </summary>
    /// <param name="value">The upstream value.</param>
    /// <returns>The code, the value, or <c>null</c> when blank.</returns>
    public static string? ToIsoAlpha2(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : TryToIsoAlpha2(value) ?? value.Trim();

    /// <summary>Upper case, letters and digits only, accents dropped, "&amp;" read as "and".</summary>
    private static string Key(string text)
    {
        var decomposed = text.Replace("&", " and ", StringComparison.Ordinal).Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (char.IsLetterOrDigit(c) && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                key.Append(char.ToUpperInvariant(c));
            }
        }

        return key.ToString();
    }

    private static (FrozenSet<string>, FrozenDictionary<string, string>, FrozenDictionary<string, string>) Load()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream("InvoiceGateway.Adapters.Normalization.Countries.txt")
            ?? throw new InvalidOperationException("The country table is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var alpha2 = new HashSet<string>(StringComparer.Ordinal);
        var lookup = new Dictionary<string, string>(StringComparer.Ordinal);
        var spellings = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split('|');
            alpha2.Add(fields[0]);
            lookup[fields[1]] = fields[0];
            spellings.Add(fields[1]);
            foreach (var name in fields[2].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                lookup[Key(name)] = fields[0];
                spellings.Add(name);
            }
        }

        // Each spelling (as written, upper and lower case) mapped to what the key lookup gives for it, so the shortcut
        // can never answer differently from the full comparison.
        var asWritten = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spelling in spellings)
        {
            foreach (var variant in (ReadOnlySpan<string>)[spelling, spelling.ToUpperInvariant(), spelling.ToLowerInvariant()])
            {
                if (variant.Trim().Length == variant.Length && variant.Length != 2 && lookup.TryGetValue(Key(variant), out var code))
                {
                    asWritten[variant] = code;
                }
            }
        }

        return (alpha2.ToFrozenSet(StringComparer.Ordinal), lookup.ToFrozenDictionary(StringComparer.Ordinal),
            asWritten.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
