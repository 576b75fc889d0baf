namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Fast readers for the date shapes nearly every upstream sends (<c>2024-05-31</c>, <c>2024-05-31T10:15:00Z</c>,
/// <c>2024-05-31 10:15:00.123+02:00</c>). Each one reads only a value it is certain of and answers <c>false</c> for
/// anything else, and the caller then runs the culture-aware exact parse it always ran: so the result is the same as
/// that parse's, only without its cost (the normalization profile, bench/results/normalization-profile.md).
/// </summary>
public static class IsoDates
{
    /// <summary>Reads exactly <c>yyyy-MM-dd</c> (what <c>DateOnly.TryParseExact(text, "yyyy-MM-dd")</c> accepts, minus nothing it would).</summary>
    /// <param name="text">The text, not trimmed.</param>
    /// <param name="date">The date.</param>
    /// <returns>Whether the text is that shape and a valid date; <c>false</c> means "ask the exact parser".</returns>
    public static bool TryReadDay(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>
    /// Reads <c>yyyy-MM-dd'T'HH:mm:ss</c> (or a space for the <c>T</c>), optionally <c>.</c> and 1-7 fraction digits,
    /// optionally <c>Z</c> or <c>±hh:mm</c>; no offset is UTC. The same value <see cref="UpstreamValues"/>' date-time
    /// formats give with <c>DateTimeStyles.AssumeUniversal</c>. Years 2-9998 only, so that no offset can leave the range.
    /// </summary>
    /// <param name="text">The text, trimmed.</param>
    /// <param name="value">The date-time with the offset as written.</param>
    /// <returns>Whether the text is that shape and valid; <c>false</c> means "ask the exact parser".</returns>
    public static bool TryReadDateTime(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 19 || !TryReadDay(text[..10], out var date) || date.Year is < 2 or > 9998
            || text[10] is not ('T' or ' ') || text[13] != ':' || text[16] != ':'
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = text[19..];
        long fraction = 0;
        if (!rest.IsEmpty && rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            // ".FFFFFFF": one to seven digits.
            if (digits is 1 or > 8)
            {
                return false;
            }

            for (var i = 1; i < 8; i++)
            {
                fraction = (fraction * 10) + (i < digits ? rest[i] - '0' : 0);
            }

            rest = rest[digits..];
        }

        var offset = TimeSpan.Zero;
        if (rest.Length == 1 && rest[0] == 'Z')
        {
            rest = [];
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
                 && TryDigits(rest.Slice(1, 2), out var offsetHours) && TryDigits(rest.Slice(4, 2), out var offsetMinutes)
                 && offsetHours <= 13 && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            offset = rest[0] == '-' ? -offset : offset;
            rest = [];
        }

        if (!rest.IsEmpty)
        {
            return false;
        }

        var clock = date.ToDateTime(new TimeOnly(hour, minute, second)).AddTicks(fraction);
        value = new DateTimeOffset(clock, offset);
        return true;
    }

    /// <summary>
    /// Reads a value in an exact numeric format a mapping names (<c>dd.MM.yyyy</c>, <c>dd-MM-yyyy HH:mm:ss</c>): only the
    /// tokens <c>dd</c>, <c>MM</c>, <c>yyyy</c>, <c>HH</c>, <c>mm</c>, <c>ss</c> and the separators <c>. - / : space</c>; each
    /// token two digits (the year four). The value <c>DateTime.TryParseExact</c> gives for it with the invariant culture.
    /// </summary>
    /// <param name="text">The text, trimmed.</param>
    /// <param name="format">The format.</param>
    /// <param name="value">The date and time (<see cref="DateTimeKind.Unspecified"/>; midnight when the format has no time).</param>
    /// <returns>Whether the format is such a one and the text matches it with a valid value; <c>false</c> means "ask the exact parser".</returns>
    public static bool TryReadExact(ReadOnlySpan<char> text, string format, out DateTime value)
    {
        ArgumentNullException.ThrowIfNull(format);
        value = default;
        return text.Length == format.Length && IsSimple(format) && TryRead(text, format, out value);
    }

    /// <summary>
    /// <see cref="TryReadExact(ReadOnlySpan{char}, string, out DateTime)"/> over formats tried in order, as
    /// <c>DateTime.TryParseExact(text, formats, ...)</c> tries them: it stops (answering <c>false</c>) at the first format
    /// it cannot read itself, so a match it reports is the one the exact parser would have reported first.
    /// </summary>
    /// <param name="text">The text, trimmed.</param>
    /// <param name="formats">The formats.</param>
    /// <param name="value">The date and time.</param>
    /// <returns>Whether one of the formats matched; <c>false</c> means "ask the exact parser".</returns>
    public static bool TryReadExact(ReadOnlySpan<char> text, string[] formats, out DateTime value)
    {
        ArgumentNullException.ThrowIfNull(formats);
        value = default;
        foreach (var format in formats)
        {
            if (!IsSimple(format))
            {
                return false;
            }

            if (text.Length == format.Length && TryRead(text, format, out value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Only <c>dd MM yyyy HH mm ss</c> (each once) and the separators <c>. - / : space</c>.</summary>
    private static bool IsSimple(string format)
    {
        var seen = 0;
        for (var i = 0; i < format.Length;)
        {
            var f = format[i];
            var bit = f switch { 'd' => 1, 'M' => 2, 'y' => 4, 'H' => 8, 'm' => 16, 's' => 32, _ => 0 };
            if (bit == 0)
            {
                if (f is not ('.' or '-' or '/' or ':' or ' '))
                {
                    return false;
                }

                i++;
                continue;
            }

            var token = f is 'y' ? 4 : 2;
            if ((seen & bit) != 0 || i + token > format.Length || format.AsSpan(i, token).ContainsAnyExcept(f)
                || (i + token < format.Length && format[i + token] == f))
            {
                return false;
            }

            seen |= bit;
            i += token;
        }

        // A day needs all three date parts (the exact parser defaults missing ones to today or year 1).
        return (seen & 7) == 7;
    }

    private static bool TryRead(ReadOnlySpan<char> text, string format, out DateTime value)
    {
        value = default;

        int year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0;
        for (var i = 0; i < format.Length;)
        {
            var f = format[i];
            var token = f is 'y' ? 4 : 2;
            if (f is 'd' or 'M' or 'y' or 'H' or 'm' or 's')
            {
                if (!TryDigits(text.Slice(i, token), out var number))
                {
                    return false;
                }

                switch (f)
                {
                    case 'd': day = number; break;
                    case 'M': month = number; break;
                    case 'y': year = number; break;
                    case 'H': hour = number; break;
                    case 'm': minute = number; break;
                    default: second = number; break;
                }

                i += token;
            }
            else if (text[i] == f)
            {
                i++;
            }
            else
            {
                return false;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int number)
    {
        number = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (c - '0');
        }

        return true;
    }
}
