using System.Buffers;
using System.Text.RegularExpressions;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>
/// Splits an address written on one line, as European APIs send it ("Thomas-Klestil-Platz 14, 1030 Wien"), into
/// street, post code and city. Only the common shape is split: the part after the last comma must start with a
/// post code (digits, optionally after a country prefix such as <c>A-</c>). Anything else stays whole in
/// <c>line1</c>, so nothing is guessed.
/// </summary>
internal static partial class OneLineAddress
{
    public static (string? Line1, string? Line2, string? PostalCode, string? City) Split(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !PostCodeAndCity().IsMatch(parts[^1]))
        {
            return (text.Trim(), null, null, null);
        }

        // The pattern matched, so the code runs to the first white space and the city starts after that run: cut there
        // rather than ask the regex for its groups (a Match and its groups per address, on every invoice read).
        var last = parts[^1];
        var space = last.AsSpan().IndexOfAny(WhiteSpace);
        var city = space + last.AsSpan(space).IndexOfAnyExcept(WhiteSpace);
        var line2 = parts.Length > 2 ? string.Join(", ", parts[1..^1]) : null;
        return (parts[0], line2, last[..space], last[city..]);
    }

    // What \s matches: char.IsWhiteSpace's set (Zs, Zl, Zp, tab to carriage return, U+0085).
    private static readonly SearchValues<char> WhiteSpace = SearchValues.Create(
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace)]);

    // "1030 Wien", "A-1030 Wien", "0150 Oslo", "10115 Berlin": a post code holds digits and is followed by the city.
    [GeneratedRegex(@"^(?<code>(?:[A-Z]{1,3}-)?\d[\d-]{2,9})\s+(?<city>\p{L}.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex PostCodeAndCity();
}
