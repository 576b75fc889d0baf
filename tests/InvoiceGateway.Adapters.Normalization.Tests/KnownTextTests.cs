using System.Text;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Normalization.Tests;

public class KnownTextTests
{
    private static readonly KnownText Known = new(["NOK", "NORGE", "Åland"]);

    [Theory]
    [InlineData("\"NOK\"")]
    [InlineData("\"NORGE\"")]
    [InlineData("\"Åland\"")]
    public void Text_OfAKnownValue_IsTheSetsString_EveryTime(string json)
    {
        var first = Read(json, Known);
        var second = Read(json, Known);

        Assert.Equal(PlainText(json), first);
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("\"nok\"")]
    [InlineData("\" NOK\"")]
    [InlineData("\"N\\u004FK\"")] // escaped: read as text, as before
    [InlineData("\"Oslo\"")]
    [InlineData("\"\"")]
    [InlineData("578")]
    [InlineData("12.50")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    public void Text_OfAnyOtherValue_IsWhatPayloadFieldsReads_AsANewString(string json)
    {
        var text = Read(json, Known);

        Assert.Equal(PlainText(json), text);
        if (text is { Length: > 0 } and not ("true" or "false"))
        {
            Assert.NotSame(text, Read(json, Known));
        }
    }

    [Fact]
    public void Text_OfALongValue_IsReadAsText()
    {
        var json = "\"" + new string('N', 65) + "\"";
        var known = new KnownText([new string('N', 65)]);
        var reader = Reader(json);

        Assert.Equal(new string('N', 65), known.Text(ref reader));
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1]")]
    public void Text_OfAnObjectOrArray_ThrowsAsPayloadFieldsDoes(string json)
    {
        var expected = Assert.Throws<JsonException>(() => PlainText(json));

        var actual = Assert.Throws<JsonException>(() => Read(json, Known));

        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void CountrySpellings_CurrencyCodes_AndSchemes_AnswerTheirValues()
    {
        var norge = Read("\"NORGE\"", Countries.Spellings);
        var no = Read("\"NO\"", Countries.Spellings);
        var nok = Read("\"NOK\"", InvoiceRules.CurrencyCodes);
        var icd = Read("\"0192\"", OrganizationNumbers.KnownSchemes);

        Assert.Equal(("NORGE", "NO", "NOK", "0192"), (norge, no, nok, icd));
        Assert.Same(icd, Read("\"0192\"", OrganizationNumbers.KnownSchemes));
        Assert.Same(norge, Read("\"NORGE\"", Countries.Spellings));
        Assert.Same(no, Read("\"NO\"", Countries.Spellings));
        Assert.Same(nok, Read("\"NOK\"", InvoiceRules.CurrencyCodes));
    }

    private static string? Read(string json, KnownText known)
    {
        var reader = Reader(json);
        return known.Text(ref reader);
    }

    private static string? PlainText(string json)
    {
        var reader = Reader(json);
        return PayloadFields.Text(ref reader);
    }

    private static Utf8JsonReader Reader(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return reader;
    }
}
