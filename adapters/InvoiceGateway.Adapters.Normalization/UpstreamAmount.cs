using System.Globalization;
namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Reads an amount that arrived as text (a JSON number's own text, or a string), keeping its scale.
/// A decimal comma ("12,5") or a thousands separator is an unparsed value, never 125.
/// Exponents (a valid JSON number such as <c>1e3</c>) are accepted.
/// </summary>
public static class UpstreamAmount
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>The amount, <c>null</c> when absent; a value that is no number is reported as unparsed.</summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="text">The value as text.</param>
    /// <returns>The amount or <c>null</c>.</returns>
    public static decimal? Read(UpstreamValues values, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (decimal.TryParse(text, Styles, CultureInfo.InvariantCulture, out var amount))
        {
            return amount;
        }

        values.Unparsed(field, text, "a number");
        return null;
    }
}
