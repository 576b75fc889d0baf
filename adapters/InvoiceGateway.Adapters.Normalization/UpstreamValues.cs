using System.Globalization;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Turns untrusted upstream values into canonical ones. Every parser returns <c>null</c> for an
/// absent value and records an <see cref="WarningCodes.UnparsedValue"/> warning for a value that is
/// present but not understood, so nothing is silently lost.
/// </summary>
public sealed class UpstreamValues
{
    /// <summary>The date-time formats read (with <c>DateTimeStyles.AssumeUniversal</c>) after a mapping's own formats: RFC 3339 and its space-separated form.</summary>
    public static IReadOnlyList<string> DateTimeFormatsRead => DateTimeFormats;

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss",
    ];

    private const NumberStyles AmountStyles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint
        | NumberStyles.AllowExponent | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    // Made with the first warning: most invoices have none, and one of these is made per invoice.
    private List<InvoiceWarning>? _warnings;

    /// <summary>The warnings recorded so far.</summary>
    public IReadOnlyList<InvoiceWarning> Warnings => (IReadOnlyList<InvoiceWarning>?)_warnings ?? [];

    /// <summary>Records a warning.</summary>
    /// <param name="code">The code.</param>
    /// <param name="message">The message.</param>
    public void Warn(string code, string message) => (_warnings ??= []).Add(new InvoiceWarning(code, message));

    /// <summary>Reads a date: <c>yyyy-MM-dd</c>, or the date part of an RFC 3339 date-time, or one of <paramref name="formats"/>.</summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The upstream value.</param>
    /// <param name="formats">Extra exact formats to accept.</param>
    /// <returns>The date, or <c>null</c>.</returns>
    /// <summary>
    /// A date of a scalar kept by <see cref="PayloadFields.Scalar"/>: a plain <c>yyyy-MM-dd</c> string is read from its
    /// UTF-8 without a string; anything else as <see cref="Date(string, string?, string[])"/> reads its text, so the
    /// dates and warnings are the same.
    /// </summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <param name="formats">Extra exact formats to accept.</param>
    /// <returns>The date, or <c>null</c>.</returns>
    public DateOnly? Date(string field, JsonElement? value, params string[] formats)
    {
        Span<char> day = stackalloc char[10];
        return value is { ValueKind: JsonValueKind.String } scalar && PayloadFields.TryGetUtf8Text(scalar, out var utf8)
               && IsoDay(utf8, day, out var date)
            ? date
            : Date(field, PayloadFields.Text(value), formats);
    }

    /// <summary>A date of a scalar read without a document, as <see cref="Date(string, JsonElement?, string[])"/> reads the element of the same bytes.</summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <param name="formats">Extra exact formats to accept.</param>
    /// <returns>The date, or <c>null</c>.</returns>
    public DateOnly? Date(string field, UpstreamScalar? value, params string[] formats)
    {
        Span<char> day = stackalloc char[10];
        return value is { TokenType: JsonTokenType.String } scalar && scalar.TryGetUtf8Text(out var utf8)
               && IsoDay(utf8, day, out var date)
            ? date
            : Date(field, UpstreamScalar.Text(value), formats);
    }

    public DateOnly? Date(string field, string? value, params string[] formats)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (IsoDates.TryReadDay(text, out var date)
            || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return date;
        }

        if (formats.Length > 0 && (IsoDates.TryReadExact(text, formats, out var exact)
                || System.DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out exact)))
        {
            return DateOnly.FromDateTime(exact);
        }

        if (IsoDates.TryReadDateTime(text, out var dateTime)
            || DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out dateTime))
        {
            // A date-time given for a date: its calendar day where the upstream wrote it.
            return DateOnly.FromDateTime(dateTime.DateTime);
        }

        Unparsed(field, text, "a date");
        return null;
    }

    // A plain yyyy-MM-dd in 10 ASCII bytes, read without a string (day: room for 10 characters).
    private static bool IsoDay(ReadOnlySpan<byte> utf8, Span<char> day, out DateOnly date)
    {
        date = default;
        return utf8.Length == day.Length && System.Text.Ascii.ToUtf16(utf8, day, out _) == System.Buffers.OperationStatus.Done
               && IsoDates.TryReadDay(day, out date);
    }

    /// <summary>
    /// Reads a date-time as UTC: RFC 3339 (no offset means UTC), or one of <paramref name="formats"/> (UTC). A bare date
    /// reads as its midnight UTC: for a field that may be date-only (a payment date) use <see cref="Moment"/> instead.
    /// </summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The upstream value.</param>
    /// <param name="formats">Extra exact formats to accept, read as UTC.</param>
    /// <returns>The date-time in UTC, or <c>null</c>.</returns>
    public DateTimeOffset? DateTime(string field, string? value, params string[] formats)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (formats.Length > 0 && (IsoDates.TryReadExact(text, formats, out var exact)
                || System.DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out exact)))
        {
            return new DateTimeOffset(exact, TimeSpan.Zero);
        }

        if (IsoDates.TryReadDateTime(text, out var dateTime)
            || DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out dateTime))
        {
            return dateTime.ToUniversalTime();
        }

        if (IsoDates.TryReadDay(text, out var date)
            || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        Unparsed(field, text, "a date-time");
        return null;
    }

    /// <summary>
    /// Reads a value that is a date-time or a bare date, such as a payment time: a date-time gives the instant (UTC) and
    /// its UTC day; a bare date gives the day only, never a made-up midnight (SPEC §3: <c>paidOn</c>, not <c>paidAt</c>).
    /// A date-time without an offset is read as UTC.
    /// </summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The upstream value.</param>
    /// <param name="formats">Extra exact date-time formats to accept, read as UTC (e.g. <c>dd-MM-yyyy HH:mm:ss</c>).</param>
    /// <returns>The day and, when a time was given, the instant; both <c>null</c> when absent or unreadable.</returns>
    public UpstreamMoment Moment(string field, string? value, params string[] formats)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return default;
        }

        var text = value.Trim();
        if (IsoDates.TryReadDay(text, out var date)
            || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return new UpstreamMoment(date, null);
        }

        if (DateTime(field, text, formats) is { } instant)
        {
            return new UpstreamMoment(DateOnly.FromDateTime(instant.UtcDateTime), instant);
        }

        return default;
    }

    /// <summary>
    /// A country as ISO 3166-1 alpha-2 (see <see cref="Countries"/>); a value that is no known country is kept as given
    /// (SPEC §3) with a <see cref="WarningCodes.CountryUnknown"/> warning.
    /// </summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The upstream value.</param>
    /// <returns>The code, the value as given, or <c>null</c> when blank.</returns>
    public string? Country(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Countries.TryToIsoAlpha2(value) is { } code)
        {
            return code;
        }

        var text = value.Trim();
        Warn(WarningCodes.CountryUnknown, $"The {field} value '{Clip(text)}' is no ISO 3166-1 code or country name the gateway knows; it was kept as given.");
        return text;
    }

    /// <summary>Reads a decimal from a JSON number or a numeric string, keeping the upstream's scale.</summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The upstream value (absent, null, number or string).</param>
    /// <returns>The amount, or <c>null</c>.</returns>
    public decimal? Decimal(string field, JsonElement? value)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var number))
        {
            return number;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            // The string's own UTF-8 when it parses so (no string made); otherwise as text, as before.
            if (PayloadFields.TryGetUtf8Text(element, out var utf8) && decimal.TryParse(utf8, AmountStyles, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }

            var text = element.GetString();
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (decimal.TryParse(text, AmountStyles, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }
        }

        Unparsed(field, element.GetRawText(), "a number");
        return null;
    }

    /// <summary>Reads a decimal from a string already read as text (e.g. a payload record's string field).</summary>
    /// <param name="field">The upstream field name, for the warning.</param>
    /// <param name="value">The text.</param>
    /// <returns>The amount, or <c>null</c>.</returns>
    public decimal? Decimal(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (decimal.TryParse(value, AmountStyles, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Unparsed(field, value, "a number");
        return null;
    }

    /// <summary>Records the warnings SPEC §3 asks for on totals: <c>net_exceeds_gross</c> and <c>totals_mismatch</c>.</summary>
    /// <param name="totals">The totals.</param>
    public void CheckTotals(InvoiceTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        // Credit notes may carry negative amounts: compare magnitudes.
        if (totals is { Net: { } net, Gross: { } gross } && Math.Abs(net) > Math.Abs(gross))
        {
            Warn(WarningCodes.NetExceedsGross, $"The net amount {net} exceeds the gross amount {gross}.");
        }

        if (totals is { Net: { } n, Tax: { } t, Gross: { } g } && Math.Abs(n + t - g) > 0.01m)
        {
            Warn(WarningCodes.TotalsMismatch, $"Gross {g} differs from net {n} + tax {t}.");
        }
    }

    /// <summary>Records an <see cref="WarningCodes.UnknownStatus"/> warning for a status value the adapter does not know.</summary>
    /// <param name="field">The upstream field name.</param>
    /// <param name="value">The value.</param>
    /// <returns><see cref="InvoiceStatus.Unknown"/>.</returns>
    public InvoiceStatus UnknownStatus(string field, string? value)
    {
        Warn(WarningCodes.UnknownStatus, $"The {field} value '{Clip(value)}' is not a known status.");
        return InvoiceStatus.Unknown;
    }

    /// <summary>Records an <see cref="WarningCodes.UnparsedValue"/> warning.</summary>
    /// <param name="field">The upstream field name.</param>
    /// <param name="value">The value.</param>
    /// <param name="expected">What was expected, e.g. "a date".</param>
    public void Unparsed(string field, string? value, string expected) =>
        Warn(WarningCodes.UnparsedValue, $"The {field} value '{Clip(value)}' is not {expected}; it was left out.");

    private static string Clip(string? value) =>
        value is null ? "null" : value.Length > 64 ? string.Concat(value.AsSpan(0, 64), "…") : value;
}

/// <summary>A value that may be a date-time or only a date.</summary>
/// <param name="Day">The day: the date given, or the UTC day of the date-time given.</param>
/// <param name="At">The instant in UTC, only when the upstream gave a time.</param>
public readonly record struct UpstreamMoment(DateOnly? Day, DateTimeOffset? At);
