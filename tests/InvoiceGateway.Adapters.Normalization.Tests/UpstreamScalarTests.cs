using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Adapters.Normalization.Tests;

/// <summary>
/// A scalar read with a <see cref="Utf8JsonReader"/> (no document) gives what the element of the same bytes gives: the
/// same text, amount, whole number and date, with the same warnings, for every shape of <see cref="ScalarTests.Values"/>;
/// and an object or an array fails the same way.
/// </summary>
public class UpstreamScalarTests
{
    public static TheoryData<string> Values() => ScalarTests.Values();

    [Theory]
    [MemberData(nameof(Values))]
    public void Text_IsTheTextOfTheElement(string json)
    {
        var (scalar, element) = Read(json);

        Assert.Equal(PayloadFields.Text(element), UpstreamScalar.Text(scalar));
        Assert.Equal(element?.ValueKind, scalar is { } s ? UpstreamJson.KindOf(s.TokenType) : null);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void TextFromTheReader_IsTheTextOfTheElement(string json)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"v":{{json}}}""");
        var reader = new Utf8JsonReader(body);
        reader.Read();
        reader.Read();
        reader.Read();
        using var document = JsonDocument.Parse(body);

        Assert.Equal(PayloadFields.Text(document.RootElement.GetProperty("v")), PayloadFields.Text(ref reader));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void AmountWholeNumberAndDate_AreThoseOfTheElement(string json)
    {
        var (scalar, element) = Read(json);
        var fromScalar = new UpstreamValues();
        var fromElement = new UpstreamValues();

        Assert.Equal(UpstreamAmount.Read(fromElement, "total", element), UpstreamAmount.Read(fromScalar, "total", scalar));
        Assert.Equal(UpstreamAmount.WholeNumber(fromElement, "items.number", element), UpstreamAmount.WholeNumber(fromScalar, "items.number", scalar));
        Assert.Equal(fromElement.Date("dueDate", element), fromScalar.Date("dueDate", scalar));
        Assert.Equal(fromElement.Date("dueDate", element, "dd.MM.yyyy"), fromScalar.Date("dueDate", scalar, "dd.MM.yyyy"));
        Assert.Equal(fromElement.Warnings, fromScalar.Warnings);
    }

    /// <summary>Numbers of every form, as JSON numbers and as strings: plain ones (read by the adapter's own parse) and others.</summary>
    public static TheoryData<string> Numbers()
    {
        string[] numbers =
        [
            "0", "0.0", "0.000", "00", "007", "7.10", "125.00", "1250", "-12.50", "-0", "-0.00", "-0.5", "0.5", "12.345678",
            "999999999999999999", "999999999999999999.5", "99999999999999999.9", "123456789012345678", "1234567890123456789",
            "0.000000000000000001", "0.0000000000000000001", "1.", ".5", "1..2", "1.2.3", "+5", "--5", "-", "1e3", "1E-2", " 5",
            "5 ", "1,5", "4294967296", "18446744073709551615", "79228162514264337593543950335",
        ];
        var data = new TheoryData<string>();
        var random = new Random(16);
        foreach (var number in numbers.Concat(Enumerable.Range(0, 200).Select(_ => Random(random))))
        {
            if (double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
                && !number.StartsWith('.') && !number.EndsWith('.') && !number.StartsWith('+') && !number.StartsWith(' ')
                && !number.EndsWith(' ') && !(number.Length > 1 && number.TrimStart('-').StartsWith('0') && number.TrimStart('-').Length > 1 && number.TrimStart('-')[1] != '.'))
            {
                data.Add(number);
            }

            data.Add($"\"{number}\"");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Amount_HasTheValueAndScaleOfTheTextParse(string json)
    {
        var (scalar, element) = Read(json);
        var fromScalar = new UpstreamValues();
        var fromText = new UpstreamValues();

        var expected = UpstreamAmount.Read(fromText, "total", PayloadFields.Text(element));
        var actual = UpstreamAmount.Read(fromScalar, "total", scalar);

        Assert.Equal(expected is { } e ? decimal.GetBits(e) : null, actual is { } a ? decimal.GetBits(a) : null);
        Assert.Equal(fromText.Warnings, fromScalar.Warnings);
    }

    private static string Random(Random random)
    {
        var integer = random.Next(0, 3) switch { 0 => "0", 1 => random.Next(1, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), _ => random.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var fraction = random.Next(0, 3) == 0 ? string.Empty : "." + new string([.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)('0' + random.Next(0, 10)))]);
        return (random.Next(0, 4) == 0 ? "-" : string.Empty) + integer + fraction;
    }

    [Theory]
    [InlineData("{}", "Expected a string, got StartObject.")]
    [InlineData("[1]", "Expected a string, got StartArray.")]
    public void ObjectOrArray_ThrowsAsTheElementDoes(string json, string message)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(body);

        Assert.Equal(message, Assert.Throws<JsonException>(() => PayloadFields.Scalar(document.RootElement)).Message);
        Assert.Equal(message, Assert.Throws<JsonException>(() =>
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            return UpstreamScalar.Read(ref reader, body);
        }).Message);
        Assert.Equal(message, Assert.Throws<JsonException>(() =>
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            return PayloadFields.Text(ref reader);
        }).Message);
    }

    [Fact]
    public void InvalidUtf8InAString_FailsAsTheElementDoes()
    {
        byte[] body = [(byte)'"', 0xC3, 0x28, (byte)'"'];
        using var document = JsonDocument.Parse(body);
        var reader = new Utf8JsonReader(body);
        reader.Read();
        var scalar = UpstreamScalar.Read(ref reader, body);

        var expected = Assert.Throws<InvalidOperationException>(() => PayloadFields.Text(document.RootElement));
        Assert.Equal(expected.Message, Assert.Throws<InvalidOperationException>(() => UpstreamScalar.Text(scalar)).Message);
        Assert.Equal(expected.Message, Assert.Throws<InvalidOperationException>(() => UpstreamAmount.Read(new UpstreamValues(), "total", scalar)).Message);
    }

    /// <summary>The value inside an object (so that its token does not start at 0), both ways.</summary>
    private static (UpstreamScalar? Scalar, JsonElement? Element) Read(string json)
    {
        var body = Encoding.UTF8.GetBytes($$"""{ "v" : {{json}} }""");
        var reader = new Utf8JsonReader(body);
        reader.Read();
        reader.Read();
        reader.Read();
        var scalar = UpstreamScalar.Read(ref reader, body);
        var element = JsonDocument.Parse(body).RootElement.GetProperty("v").Clone();
        return (scalar, PayloadFields.Scalar(element));
    }
}
