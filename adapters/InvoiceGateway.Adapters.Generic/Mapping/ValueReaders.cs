using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>A compiled converter: reads one canonical value from an upstream entry.</summary>
/// <typeparam name="T">The canonical value type (nullable).</typeparam>
internal abstract class ValueReader<T>
{
    /// <summary>Reads the value; absent gives null, present but not understood gives null and an unparsed_value warning.</summary>
    public abstract T Read(Entry entry, UpstreamValues values);
}

/// <summary>One path or fallbacks: the first path whose value is present, not null and not a blank string wins.</summary>
internal sealed class PathChoice(PayloadPath[] paths)
{
    public IReadOnlyList<PayloadPath> Paths => paths;

    public bool TryFind(Entry entry, out JsonElement value, out PayloadPath path)
    {
        foreach (var candidate in paths)
        {
            if (candidate.TryGet(entry, out value) && (value.ValueKind != JsonValueKind.String || !IsBlank(value)))
            {
                path = candidate;
                return true;
            }
        }

        value = default;
        path = paths[0];
        return false;
    }

    /// <summary>The text of a scalar (numbers as written, booleans as <c>true</c>/<c>false</c>), or null for objects and arrays.</summary>
    /// <summary>
    /// Whether a string value is empty or white space, without making a string of it (the common case is a plain ASCII
    /// value, whose raw bytes are its text; one with escapes or non-ASCII letters is decoded).
    /// </summary>
    private static bool IsBlank(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var text = raw[1..^1];
        return text.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0 && !text.Contains((byte)'\\')
            ? !text.ContainsAnyExcept((byte)' ')
            : string.IsNullOrWhiteSpace(value.GetString());
    }

    public static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}

internal sealed class PlainTextReader(PathChoice choice) : ValueReader<string?>
{
    public override string? Read(Entry entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return null;
        }

        if (PathChoice.ScalarText(value) is { } text)
        {
            return InvoiceRules.Text(text);
        }

        values.Unparsed(path.Display, value.GetRawText(), "text");
        return null;
    }
}

internal sealed class CountryCodeReader(PathChoice choice) : ValueReader<string?>
{
    private readonly PlainTextReader _text = new(choice);

    public override string? Read(Entry entry, UpstreamValues values) =>
        choice.TryFind(entry, out _, out var path) ? values.Country(path.Display, _text.Read(entry, values)) : null;
}

/// <summary>
/// The mapping's <c>scale</c>: the upstream sends amounts in minor units (cents: scale 2), so each is divided by
/// 10^scale. Multiplying by 10^-scale keeps decimal exact and the scale the amount has in major units (1999 → 19.99,
/// 1000 → 10.00).
/// </summary>
internal readonly record struct MinorUnits(int Scale)
{
    public static MinorUnits None => default;

    public decimal? Apply(decimal? value, UpstreamValues values, string field)
    {
        if (Scale == 0 || value is not { } amount)
        {
            return value;
        }

        try
        {
            return amount * new decimal(1, 0, 0, false, (byte)Scale);
        }
        catch (OverflowException)
        {
            values.Unparsed(field, amount.ToString(CultureInfo.InvariantCulture), "an amount in minor units within the decimal range");
            return null;
        }
    }
}

internal sealed class DecimalReader(PathChoice choice, MinorUnits minorUnits = default) : ValueReader<decimal?>
{
    public override decimal? Read(Entry entry, UpstreamValues values) =>
        choice.TryFind(entry, out var value, out var path)
            ? minorUnits.Apply(values.Decimal(path.Display, value), values, path.Display)
            : null;
}

internal sealed class IntegerReader(PathChoice choice) : ValueReader<int?>
{
    public override int? Read(Entry entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        values.Unparsed(path.Display, PathChoice.ScalarText(value) ?? value.GetRawText(), "a whole number");
        return null;
    }
}

internal sealed class DateReader(PathChoice choice, string[] formats) : ValueReader<DateOnly?>
{
    public override DateOnly? Read(Entry entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return values.Date(path.Display, value, formats);
        }

        values.Unparsed(path.Display, value.GetRawText(), "a date");
        return null;
    }
}

/// <summary>
/// Reads a date-time (UTC). A date without a time (<c>yyyy-MM-dd</c>, or one of the mapping's formats without hours)
/// is a day, never a made-up midnight: where the field has a day to hold it (<c>paidAt</c> gives <c>paidOn</c>, as
/// <see cref="UpstreamValues.Moment"/> does for every adapter) it goes there, elsewhere it is left out with a warning.
/// </summary>
internal sealed class DateTimeReader(PathChoice choice, string[] formats, bool dayAllowed) : ValueReader<UpstreamMoment>
{
    public override UpstreamMoment Read(Entry entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return default;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            values.Unparsed(path.Display, value.GetRawText(), "a date-time");
            return default;
        }

        var text = value.GetString()!.Trim();
        if (DayOnly(text) is { } day)
        {
            if (dayAllowed)
            {
                return new UpstreamMoment(day, null);
            }

            values.Unparsed(path.Display, text, "a date-time (it has no time, and a date alone is not turned into midnight)");
            return default;
        }

        return dayAllowed
            ? values.Moment(path.Display, text, formats)
            : new UpstreamMoment(null, values.DateTime(path.Display, text, formats));
    }

    private DateOnly? DayOnly(string text)
    {
        if (IsoDates.TryReadDay(text, out var date)
            || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return date;
        }

        foreach (var format in formats)
        {
            // A format the mapping gives without hours (e.g. dd.MM.yyyy) reads a day, not a moment.
            if (!format.Contains('H', StringComparison.Ordinal) && !format.Contains('h', StringComparison.Ordinal))
            {
                if (IsoDates.TryReadExact(text, format, out var day))
                {
                    return DateOnly.FromDateTime(day);
                }

                if (DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                {
                    return date;
                }
            }
        }

        return null;
    }
}

internal sealed class BooleanReader(PathChoice choice) : ValueReader<bool?>
{
    public override bool? Read(Entry entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when value.TryGetInt32(out var number) && number is 0 or 1:
                return number == 1;
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase) || text == "1")
                {
                    return true;
                }

                if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("no", StringComparison.OrdinalIgnoreCase) || text == "0")
                {
                    return false;
                }

                break;
        }

        values.Unparsed(path.Display, PathChoice.ScalarText(value) ?? value.GetRawText(), "a boolean");
        return null;
    }
}

/// <summary>Maps the upstream's value (its text, case-insensitive) to a canonical one; the default covers absent and unmapped values.</summary>
internal sealed class ValueMapReader<T>(PathChoice choice, FrozenDictionary<string, T> map, bool hasDefault, T defaultValue)
    : ValueReader<T>
{
    public override T Read(Entry entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return defaultValue;
        }

        var text = PathChoice.ScalarText(value) ?? value.GetRawText();
        if (map.TryGetValue(text.Trim(), out var mapped))
        {
            return mapped;
        }

        if (!hasDefault)
        {
            values.Unparsed(path.Display, text, "one of the mapped values");
        }

        return defaultValue;
    }
}

internal sealed class ConstantReader<T>(T value) : ValueReader<T>
{
    public override T Read(Entry entry, UpstreamValues values) => value;
}

/// <summary>
/// Sums every value an array projection reaches (the first fallback path that reaches any). Null when none is
/// present; null with a warning when one cannot be read, or when some elements have the value and others do not
/// (a partial sum would pass for the whole: <c>tax_incomplete</c> for the tax, else <c>sum_incomplete</c>).
/// </summary>
internal sealed class SumReader(PayloadPath[] paths, string target, MinorUnits minorUnits = default) : ValueReader<decimal?>
{
    /// <summary>The warning for a sum some elements lack, for a total other than the tax.</summary>
    public const string SumIncomplete = "sum_incomplete";

    // The values of one sum, kept per thread: a sum is read to the end before the next one starts.
    [ThreadStatic]
    private static List<JsonElement>? t_found;

    public override decimal? Read(Entry entry, UpstreamValues values)
    {
        var found = t_found ??= [];
        try
        {
            return Read(entry, values, found);
        }
        finally
        {
            found.Clear();
        }
    }

    private decimal? Read(Entry entry, UpstreamValues values, List<JsonElement> found)
    {
        PayloadPath? used = null;
        foreach (var path in paths)
        {
            found.Clear();
            path.Collect(entry, found, includeMissing: true);
            if (found.Exists(e => e.ValueKind != JsonValueKind.Undefined))
            {
                used = path;
                break;
            }
        }

        if (used is null)
        {
            return null;
        }

        var sum = 0m;
        var missing = 0;
        var complete = true;
        try
        {
            foreach (var item in found)
            {
                if (item.ValueKind == JsonValueKind.Undefined)
                {
                    missing++;
                }
                else if (values.Decimal(used.Display, item) is { } amount)
                {
                    sum += amount;
                }
                else if (item.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(item.GetString()))
                {
                    missing++;
                }
                else
                {
                    complete = false;
                }
            }
        }
        catch (OverflowException)
        {
            values.Unparsed(used.Display, "(sum)", "a sum within the decimal range");
            return null;
        }

        if (missing > 0)
        {
            values.Warn(target == "totals.tax" ? WarningCodes.TaxIncomplete : SumIncomplete,
                $"{missing} of {found.Count} values at '{used.Display}' are missing, so '{target}' is left unknown rather than a partial sum.");
            return null;
        }

        return complete ? minorUnits.Apply(sum, values, used.Display) : null;
    }
}

/// <summary>
/// Multiplies the values of several paths (e.g. quantity × unit amount); null when one is absent. The product
/// is written with no more decimals than the most precise factor when that loses nothing (1.5 × 27.00 = 40.50);
/// for an amount it is rounded to 2 decimals (1.5 × 0.333 = 0.50, not 0.4995).
/// </summary>
internal sealed class MultiplyReader(PathChoice[] factors, bool isAmount, MinorUnits minorUnits = default) : ValueReader<decimal?>
{
    public override decimal? Read(Entry entry, UpstreamValues values)
    {
        var product = 1m;
        var scale = 0;
        string? field = null;
        foreach (var factor in factors)
        {
            if (!factor.TryFind(entry, out var value, out var path))
            {
                return null;
            }

            if (values.Decimal(path.Display, value) is not { } number)
            {
                return null;
            }

            field ??= path.Display;
            scale = Math.Max(scale, number.Scale);
            try
            {
                product *= number;
            }
            catch (OverflowException)
            {
                values.Unparsed(path.Display, value.GetRawText(), "a factor whose product stays within the decimal range");
                return null;
            }
        }

        if (minorUnits.Apply(product, values, field!) is not { } result)
        {
            return null;
        }

        scale = Math.Min(scale + minorUnits.Scale, 28);
        var rounded = decimal.Round(result, scale);
        result = rounded == result ? rounded : result;
        return isAmount ? decimal.Round(result, 2, MidpointRounding.AwayFromZero) : result;
    }
}

/// <summary>Joins the texts of several paths (e.g. an item's title and its description), skipping blanks and repeats.</summary>
internal sealed class JoinReader(PathChoice[] parts, string separator) : ValueReader<string?>
{
    private readonly PlainTextReader[] _readers = [.. parts.Select(p => new PlainTextReader(p))];

    public override string? Read(Entry entry, UpstreamValues values)
    {
        string? joined = null;
        List<string>? seen = null;
        foreach (var reader in _readers)
        {
            if (reader.Read(entry, values) is not { } text)
            {
                continue;
            }

            seen ??= new List<string>(_readers.Length);
            if (joined is null)
            {
                joined = text;
                seen.Add(text);
            }
            else if (!seen.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                joined = string.Concat(joined, separator, text);
                seen.Add(text);
            }
        }

        return joined;
    }
}

/// <summary>Marks <c>"convert": "ordinal"</c>: the 1-based place of the element in its array (a line's position).</summary>
internal sealed class OrdinalReader : ValueReader<int?>
{
    public static OrdinalReader Instance { get; } = new();

    // Filled by the array binding, which knows the index; reading it elsewhere gives nothing.
    public override int? Read(Entry entry, UpstreamValues values) => null;
}
