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
