namespace InvoiceGateway.Sandbox.Data;

/// <summary>The generator of one API's data: a <see cref="Random"/> from the configured seed, so runs repeat exactly.</summary>
internal sealed class DataRandom(int seed)
{
#pragma warning disable CA5394 // Deterministic test data, not security.
    private readonly Random random = new(seed);

    public int Next(int minInclusive, int maxExclusive) => random.Next(minInclusive, maxExclusive);

    public bool Chance(int percent) => random.Next(100) < percent;

    public T Pick<T>(T[] items) => items[random.Next(items.Length)];

    /// <summary>An amount with two decimals (scale 2, e.g. 120.50); a quarter of them end in a zero.</summary>
    public decimal Money(int minUnits, int maxUnits)
    {
        var cents = random.NextInt64(minUnits * 100L, (maxUnits * 100L) + 1);
        if (Chance(25))
        {
            cents -= cents % 10;
        }

        return Cents(cents);
    }

    public string Digits(int count)
    {
        return string.Create(count, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('0' + (i == 0 ? r.Next(1, 10) : r.Next(10)));
            }
        });
    }

    /// <summary>A random (version 4 shaped) GUID, repeatable from the seed.</summary>
    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>A day between <paramref name="fromDays"/> and <paramref name="toDays"/> (inclusive) around <paramref name="today"/>.</summary>
    public DateOnly Day(DateOnly today, int fromDays, int toDays) => today.AddDays(random.Next(fromDays, toDays + 1));

    /// <summary>
    /// The issue day of an invoice due on <paramref name="due"/> with payment terms of <paramref name="minTerm"/> to
    /// <paramref name="maxTerm"/> days, never after <paramref name="today"/> (far-future dues get long terms).
    /// </summary>
    public DateOnly IssueDay(DateOnly due, DateOnly today, int minTerm, int maxTerm)
    {
        var issued = due.AddDays(-random.Next(minTerm, maxTerm + 1));
        var early = random.Next(0, 11);
        return issued <= today ? issued : today.AddDays(-early);
    }

    /// <summary>A moment in office hours (UTC) of <paramref name="day"/>.</summary>
    public DateTime Moment(DateOnly day) =>
        day.ToDateTime(new TimeOnly(random.Next(6, 20), random.Next(60), random.Next(60)), DateTimeKind.Utc);
#pragma warning restore CA5394

    /// <summary><paramref name="moment"/>, or the start of <paramref name="today"/>'s office hours when it would be later: nothing happened in the future.</summary>
    public static DateTime NotAfter(DateTime moment, DateOnly today)
    {
        var latest = today.ToDateTime(new TimeOnly(6, 0), DateTimeKind.Utc);
        return moment <= latest ? moment : latest;
    }

    /// <summary>An amount of <paramref name="cents"/> with scale 2: 12050 is 120.50.</summary>
    public static decimal Cents(long cents) =>
        new((int)(Math.Abs(cents) & 0xFFFFFFFF), (int)(Math.Abs(cents) >> 32), 0, cents < 0, 2);

    /// <summary>Rounds to two decimals and keeps scale 2 (5.5 becomes 5.50).</summary>
    public static decimal Round2(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero) + 0.00m;

    /// <summary>The IBAN of a country and BBAN, with correct ISO 13616 check digits.</summary>
    public static string Iban(string country, string bban)
    {
        var remainder = 0;
        foreach (var c in bban + country + "00")
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value >= 10 ? ((remainder * 100) + value) % 97 : ((remainder * 10) + value) % 97;
        }

        return $"{country}{98 - remainder:00}{bban}";
    }
}
