using System.Globalization;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Sendcloud.Mapping;

/// <summary>
/// Reads an amount that arrived as text (a JSON number's own text, or a string), keeping its scale.
/// Stricter than <see cref="UpstreamValues.Decimal(string, string?)"/>, which accepts thousands
/// separators and so would read a decimal comma ("12,5") as 125: here that is an unparsed value.
/// Exponents (a valid JSON number such as <c>1e3</c>) are accepted.
/// </summary>
internal static class UpstreamAmount
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

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
