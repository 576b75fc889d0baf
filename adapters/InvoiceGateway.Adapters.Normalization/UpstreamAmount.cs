using System.Globalization;
using System.Numerics;
using System.Text.Json;

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

    private const NumberStyles WholeStyles = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    /// <summary>The amount, <c>null</c> when absent; a value that is no number is reported as unparsed.</summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="text">The value as text.</param>
    /// <returns>The amount or <c>null</c>.</returns>
    public static decimal? Read(UpstreamValues values, string field, string? text) =>
        Parse<decimal>(values, field, text, Styles, "a number");

    /// <summary>
    /// The amount of a scalar kept by <see cref="PayloadFields.Scalar"/>, parsed from its UTF-8 where that succeeds (the
    /// same parse on the same characters, without a string per amount); anything else goes the text way, so values,
    /// warnings and their order are those of <see cref="Read(UpstreamValues, string, string?)"/>.
    /// </summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <returns>The amount or <c>null</c>.</returns>
    public static decimal? Read(UpstreamValues values, string field, JsonElement? value) =>
        Parse<decimal>(values, field, value, Styles, "a number");

    /// <summary>The whole number of a scalar kept by <see cref="PayloadFields.Scalar"/> (a line's position), read as <see cref="Read(UpstreamValues, string, JsonElement?)"/> reads amounts.</summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <returns>The number or <c>null</c>.</returns>
    public static int? WholeNumber(UpstreamValues values, string field, JsonElement? value) =>
        Parse<int>(values, field, value, WholeStyles, "a whole number");

    /// <summary>The amount of a scalar read without a document, as <see cref="Read(UpstreamValues, string, JsonElement?)"/> reads the element of the same bytes.</summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <returns>The amount or <c>null</c>.</returns>
    public static decimal? Read(UpstreamValues values, string field, UpstreamScalar? value) =>
        Parse<decimal>(values, field, value, Styles, "a number");

    /// <summary>The whole number of a scalar read without a document, as <see cref="WholeNumber(UpstreamValues, string, JsonElement?)"/> reads the element of the same bytes.</summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <returns>The number or <c>null</c>.</returns>
    public static int? WholeNumber(UpstreamValues values, string field, UpstreamScalar? value) =>
        Parse<int>(values, field, value, WholeStyles, "a whole number");

    private static T? Parse<T>(UpstreamValues values, string field, UpstreamScalar? value, NumberStyles styles, string expected)
        where T : struct, INumberBase<T>
    {
        if (value is { } scalar && scalar.TryGetUtf8Text(out var utf8))
        {
            if (typeof(T) == typeof(decimal) && TryReadPlainDecimal(utf8, out var plain))
            {
                return (T)(object)plain;
            }

            if (T.TryParse(utf8, styles, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }
        }

        return Parse<T>(values, field, UpstreamScalar.Text(value), styles, expected);
    }

    /// <summary>
    /// The amount of the plain form upstreams send, <c>-?digits(.digits)?</c> with at most 18 digits, read with the value
    /// and scale <see cref="decimal.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out decimal)"/> gives it
    /// (trailing zeros kept: <c>125.00</c> has scale 2); false for anything else (exponents, spaces, signs other than a
    /// leading minus, a zero with a minus, longer numbers), which that method reads. Written by hand because its general
    /// parse (styles, culture, a digit buffer) was about 7 % of a SendRegning read for some 15 amounts an invoice;
    /// UpstreamScalarTests compare the two on every shape of number.
    /// </summary>
    private static bool TryReadPlainDecimal(ReadOnlySpan<byte> utf8, out decimal value)
    {
        value = default;
        var negative = !utf8.IsEmpty && utf8[0] == (byte)'-';
        var digits = negative ? utf8[1..] : utf8;
        if (digits.IsEmpty || digits.Length > 19)
        {
            return false;
        }

        ulong mantissa = 0;
        var count = 0;
        var scale = -1;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = (uint)(digits[i] - '0');
            if (digit <= 9)
            {
                mantissa = (mantissa * 10) + digit;
                count++;
                if (scale >= 0)
                {
                    scale++;
                }
            }
            else if (digits[i] == (byte)'.' && scale < 0 && i > 0 && i < digits.Length - 1)
            {
                scale = 0;
            }
            else
            {
                return false;
            }
        }

        if (count > 18 || (negative && mantissa == 0))
        {
            return false;
        }

        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, negative, (byte)Math.Max(scale, 0));
        return true;
    }

    private static T? Parse<T>(UpstreamValues values, string field, JsonElement? value, NumberStyles styles, string expected)
        where T : struct, INumberBase<T> =>
        value is { } scalar && PayloadFields.TryGetUtf8Text(scalar, out var utf8) && T.TryParse(utf8, styles, CultureInfo.InvariantCulture, out var number)
            ? number
            : Parse<T>(values, field, PayloadFields.Text(value), styles, expected);

    private static T? Parse<T>(UpstreamValues values, string field, string? text, NumberStyles styles, string expected)
        where T : struct, INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (T.TryParse(text, styles, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        values.Unparsed(field, text, expected);
        return null;
    }
}
