using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>A compiled converter: reads one canonical value from an upstream entry.</summary>
/// <typeparam name="T">The canonical value type (nullable).</typeparam>
internal abstract class ValueReader<T>
{
    /// <summary>Reads the value; absent gives null, present but not understood gives null and an unparsed_value warning.</summary>
    public abstract T Read(JsonElement entry, UpstreamValues values);
}

/// <summary>One path or fallbacks: the first path whose value is present, not null and not a blank string wins.</summary>
internal sealed class PathChoice(PayloadPath[] paths)
{
    public IReadOnlyList<PayloadPath> Paths => paths;

    public bool TryFind(JsonElement entry, out JsonElement value, out PayloadPath path)
    {
        foreach (var candidate in paths)
        {
            if (candidate.TryGet(entry, out value)
                && (value.ValueKind != JsonValueKind.String || !string.IsNullOrWhiteSpace(value.GetString())))
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
    public override string? Read(JsonElement entry, UpstreamValues values)
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

    public override string? Read(JsonElement entry, UpstreamValues values) => Countries.ToIsoAlpha2(_text.Read(entry, values));
}

internal sealed class DecimalReader(PathChoice choice) : ValueReader<decimal?>
{
    public override decimal? Read(JsonElement entry, UpstreamValues values) =>
        choice.TryFind(entry, out var value, out var path) ? values.Decimal(path.Display, value) : null;
}

internal sealed class IntegerReader(PathChoice choice) : ValueReader<int?>
{
    public override int? Read(JsonElement entry, UpstreamValues values)
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
    public override DateOnly? Read(JsonElement entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return values.Date(path.Display, value.GetString(), formats);
        }

        values.Unparsed(path.Display, value.GetRawText(), "a date");
        return null;
    }
}

internal sealed class DateTimeReader(PathChoice choice, string[] formats) : ValueReader<DateTimeOffset?>
{
    public override DateTimeOffset? Read(JsonElement entry, UpstreamValues values)
    {
        if (!choice.TryFind(entry, out var value, out var path))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return values.DateTime(path.Display, value.GetString(), formats);
        }

        values.Unparsed(path.Display, value.GetRawText(), "a date-time");
        return null;
    }
}

internal sealed class BooleanReader(PathChoice choice) : ValueReader<bool?>
{
    public override bool? Read(JsonElement entry, UpstreamValues values)
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
    public override T Read(JsonElement entry, UpstreamValues values)
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
    public override T Read(JsonElement entry, UpstreamValues values) => value;
}

/// <summary>Sums every value an array projection reaches; null when there is none or one is not a number.</summary>
internal sealed class SumReader(PayloadPath[] paths) : ValueReader<decimal?>
{
    public override decimal? Read(JsonElement entry, UpstreamValues values)
    {
        var found = new List<JsonElement>();
        PayloadPath? used = null;
        foreach (var path in paths)
        {
            path.Collect(entry, found);
            if (found.Count > 0)
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
        var complete = true;
        try
        {
            foreach (var item in found)
            {
                if (values.Decimal(used.Display, item) is { } amount)
                {
                    sum += amount;
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

        return complete ? sum : null;
    }
}

/// <summary>
/// Multiplies the values of several paths (e.g. quantity × unit amount); null when one is absent. The product
/// is written with no more decimals than the most precise factor when that loses nothing (1.5 × 27.00 = 40.50).
/// </summary>
internal sealed class MultiplyReader(PathChoice[] factors) : ValueReader<decimal?>
{
    public override decimal? Read(JsonElement entry, UpstreamValues values)
    {
        var product = 1m;
        var scale = 0;
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

        var rounded = decimal.Round(product, scale);
        return rounded == product ? rounded : product;
    }
}
