using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Normalization.Tests;

/// <summary>
/// Amounts, whole numbers and dates read from a kept scalar's UTF-8 give what reading its text gave: the same value and
/// the same warnings, for every shape an upstream sends (numbers, strings with spaces, escapes, signs, exponents, junk).
/// </summary>
public class ScalarTests
{
    public static TheoryData<string> Values() =>
    [
        "463.0", "-12.50", "0", "-0", "1e3", "1.5E-2", "79228162514264337593543950335", "1e400", "12345678901234567890",
        "\"463.10\"", "\" 12.5 \"", "\"+7\"", "\"1,5\"", "\"\"", "\"   \"", "\"\\u0031\\u0032.5\"", "\"12\\n\"", "\"\u00a012\"",
        "\"abc\"", "\"１２\"", "true", "false", "null", "\"42\"", "42", "\"2024-02-29\"", "\"2023-02-29\"", "\"2024-13-01\"",
        "\" 2024-01-05\"", "\"2024-01-05T10:00:00Z\"", "\"2024-01-05T23:30:00-05:00\"", "\"05.01.2024\"", "\"2024\\u002d01-05\"",
        "\"0000-01-01\"", "20240105",
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void Amount_FromTheScalar_IsTheAmountOfItsText(string json)
    {
        var (scalar, text) = Read(json);
        var fromScalar = new UpstreamValues();
        var fromText = new UpstreamValues();

        Assert.Equal(UpstreamAmount.Read(fromText, "total", text), UpstreamAmount.Read(fromScalar, "total", scalar));
        Assert.Equal(fromText.Warnings, fromScalar.Warnings);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void WholeNumber_FromTheScalar_IsTheNumberOfItsText(string json)
    {
        var (scalar, text) = Read(json);
        var fromScalar = new UpstreamValues();
        var fromText = new UpstreamValues();
        int? expected = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingWhite | System.Globalization.NumberStyles.AllowTrailingWhite,
                    System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                expected = number;
            }
            else
            {
                fromText.Unparsed("items.number", text, "a whole number");
            }
        }

        Assert.Equal(expected, UpstreamAmount.WholeNumber(fromScalar, "items.number", scalar));
        Assert.Equal(fromText.Warnings, fromScalar.Warnings);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Date_FromTheScalar_IsTheDateOfItsText(string json)
    {
        var (scalar, text) = Read(json);
        var fromScalar = new UpstreamValues();
        var fromText = new UpstreamValues();

        Assert.Equal(fromText.Date("dueDate", text), fromScalar.Date("dueDate", scalar));
        Assert.Equal(fromText.Date("dueDate", text, "dd.MM.yyyy"), fromScalar.Date("dueDate", scalar, "dd.MM.yyyy"));
        Assert.Equal(fromText.Warnings, fromScalar.Warnings);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Decimal_OfAString_IsTheDecimalOfItsText(string json)
    {
        var (scalar, text) = Read(json);
        if (scalar is not { ValueKind: JsonValueKind.String })
        {
            return;
        }

        var fromElement = new UpstreamValues();

        Assert.Equal(new UpstreamValues().Decimal("amount", text), fromElement.Decimal("amount", scalar));
        Assert.Equal(fromElement.Warnings.Count, new UpstreamValues().Decimal("amount", text) is null && !string.IsNullOrWhiteSpace(text) ? 1 : 0);
    }

    [Fact]
    public void Scalar_OfAnObjectOrArray_ThrowsAsText()
    {
        using var document = JsonDocument.Parse("""{"o":{},"a":[]}""");

        Assert.Throws<JsonException>(() => PayloadFields.Scalar(document.RootElement.GetProperty("o")));
        Assert.Throws<JsonException>(() => PayloadFields.Scalar(document.RootElement.GetProperty("a")));
    }

    private static (JsonElement? Scalar, string? Text) Read(string json)
    {
        var element = JsonDocument.Parse(json).RootElement.Clone();
        return (PayloadFields.Scalar(element), PayloadFields.Text(element));
    }
}
