using System.Globalization;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Normalization.Tests;

/// <summary>
/// The fast ISO readers may decline a value, but whenever they answer they must give exactly what the exact parsers
/// (which <see cref="UpstreamValues"/> ran alone before) give for it.
/// </summary>
public class IsoDatesTests
{
    private static readonly string[] DateTimeFormats = [.. UpstreamValues.DateTimeFormatsRead];

    public static TheoryData<string> Days =>
    [
        "2024-05-31", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "0001-01-01",
        "9999-12-31", "2024-5-31", "24-05-31", "2024/05/31", "2024-05-3a", "+024-05-31", "２０２４-05-31", " 2024-05-31",
        "2024-05-31 ", "2024-05-31T00:00:00Z",
    ];

    public static TheoryData<string> DateTimes =>
    [
        "2024-05-31T10:15:00Z", "2024-05-31T10:15:00", "2024-05-31 10:15:00", "2024-05-31T10:15:00.1Z",
        "2024-05-31T10:15:00.1234567Z", "2024-05-31T10:15:00.12345678Z", "2024-05-31T10:15:00.Z", "2024-05-31T10:15:00+02:00",
        "2024-05-31T00:15:00-05:30", "2024-05-31T23:59:59+13:59", "2024-05-31T10:15:00+14:00", "2024-05-31T10:15:00+15:00",
        "2024-05-31T10:15:00+0200", "2024-05-31T24:00:00Z", "2024-05-31T10:60:00Z", "2024-05-31T10:15:60Z",
        "2024-05-31t10:15:00Z", "2024-05-31T10:15:00z", "2024-05-31T10:15Z", "2024-02-30T10:15:00Z", "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00", "2024-05-31T10:15:00.5+02:00", "2024-05-31 10:15:00.000001-00:00", "2024-05-31T1:15:00Z",
        "2024-05-31T10:15:00 Z", "2024-05-31T10:15:00+02:00Z",
    ];

    [Theory]
    [MemberData(nameof(Days))]
    public void TryReadDay_AgreesWithTheExactParser(string text)
    {
        var exact = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expected);
        if (IsoDates.TryReadDay(text, out var day))
        {
            Assert.True(exact, $"'{text}' was read as {day} but the exact parser refuses it");
            Assert.Equal(expected, day);
        }
    }

    [Theory]
    [MemberData(nameof(DateTimes))]
    public void TryReadDateTime_AgreesWithTheExactParser(string text)
    {
        var exact = DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expected);
        if (IsoDates.TryReadDateTime(text, out var value))
        {
            Assert.True(exact, $"'{text}' was read as {value:O} but the exact parser refuses it");
            Assert.Equal(expected, value);
            Assert.Equal(expected.Offset, value.Offset);
        }
    }

    public static TheoryData<string, string> Exact => new()
    {
        { "31.05.2024", "dd.MM.yyyy" }, { "29.02.2023", "dd.MM.yyyy" }, { "1.05.2024", "dd.MM.yyyy" }, { "31.5.2024", "dd.MM.yyyy" },
        { "31.05.24", "dd.MM.yyyy" }, { "00.05.2024", "dd.MM.yyyy" }, { "31-05-2024", "dd.MM.yyyy" }, { "31.05.2024", "d.M.yyyy" },
        { "31-05-2024 23:59:59", "dd-MM-yyyy HH:mm:ss" }, { "31-05-2024 24:00:00", "dd-MM-yyyy HH:mm:ss" }, { "05/31/2024", "MM/dd/yyyy" },
        { "2024-05-31 10:15", "yyyy-MM-dd HH:mm" }, { "31.05.2024", "dd.MM.yyyy HH" }, { "31.05.2024", "dd.MM.yyyyy" }, { "20240531", "yyyyMMdd" },
        { "31.05.2024T", "dd.MM.yyyy'T'" }, { "31.05.0000", "dd.MM.yyyy" }, { "31.05.2024", "dd.dd.yyyy" },
    };

    [Theory]
    [MemberData(nameof(Exact))]
    public void TryReadExact_AgreesWithTheExactParser(string text, string format)
    {
        const DateTimeStyles styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        var exact = DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, styles, out var expected);
        if (IsoDates.TryReadExact(text, format, out var value))
        {
            Assert.True(exact, $"'{text}' was read as {value:O} with '{format}' but the exact parser refuses it");
            Assert.Equal(expected, value);
        }

        if (IsoDates.TryReadExact(text, [format, "yyyy-MM-dd"], out var fromList))
        {
            Assert.True(DateTime.TryParseExact(text, [format, "yyyy-MM-dd"], CultureInfo.InvariantCulture, styles, out var first));
            Assert.Equal(first, fromList);
        }
    }

    [Fact]
    public void TryReadExact_StopsAtAFormatItCannotRead()
    {
        // "d.M.yyyy" comes first and would match for the exact parser, so the fast reader must not answer with the second.
        Assert.False(IsoDates.TryReadExact("31.05.2024", ["d.M.yyyy", "dd.MM.yyyy"], out _));
        Assert.True(IsoDates.TryReadExact("31.05.2024", ["dd.MM.yyyy", "d.M.yyyy"], out var day));
        Assert.Equal(new DateTime(2024, 5, 31), day);
    }

    [Theory]
    [InlineData("2024-05-31")]
    [InlineData("0001-01-01")]
    public void TryReadDay_ReadsTheCommonShape(string text) => Assert.True(IsoDates.TryReadDay(text, out _));

    [Theory]
    [InlineData("2024-05-31T10:15:00Z")]
    [InlineData("2024-05-31 10:15:00.123+02:00")]
    [InlineData("2024-05-31T10:15:00")]
    public void TryReadDateTime_ReadsTheCommonShapes(string text) => Assert.True(IsoDates.TryReadDateTime(text, out _));
}
