using System.Buffers;
using System.Text;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Contracts.Tests;

public class RawJsonTests
{
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static readonly Invoice Minimal = new()
    {
        Id = "ibana:1",
        Source = "ibana",
        SourceId = "1",
    };

    // What upstreams send that a writer does not write back as it came: whitespace, comments, trailing commas,
    // escapes (\u00f8, \/, \"), characters the relaxed encoder leaves as they are (ø, +, <), numbers as written.
    [Theory]
    [InlineData("""{ "a" : 1 , "b":[ 1.50, -0, 2e3 ] }""")]
    [InlineData("{\n  \"name\": \"Bj\\u00f8rn \\/ \\\"AS\\\"\", // a comment\n  \"phone\": \"+47 <22>\",\n  \"x\": [1,2,],\n}")]
    [InlineData("\"1;S-1;2024-06-01;100.50;NOK;OPEN\"")]
    [InlineData("""{"amount":463.0,"nested":{"deep":[{"a":null,"b":true,"c":"Ærlig"}]}}""")]
    public void Serialize_WritesTheSameBytes_AsTheElementOfThePayloadDid(string upstream)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(upstream), Lenient);
        var asElement = Serialize(document.RootElement.Clone());

        var asRaw = Encoding.UTF8.GetString(CanonicalJson.Serialize(Minimal with { Raw = RawJson.Of(document.RootElement) }));

        Assert.Equal(asElement, asRaw);
    }

    [Fact]
    public void Of_CopiesTheElementsBytes_SoTheDocumentMayBeDisposed()
    {
        RawJson raw;
        using (var document = JsonDocument.Parse("""{"data":[{"id":"7", "x":[1]},{"id":"8"}]}"""))
        {
            raw = RawJson.Of(document.RootElement.GetProperty("data")[0]);
        }

        Assert.Equal("""{"id":"7", "x":[1]}""", Encoding.UTF8.GetString(raw.Utf8.Span));
        Assert.Equal("7", raw.ToElement().GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"a\":1")]
    [InlineData("{} {}")]
    [InlineData("nope")]
    public void Parse_RejectsWhatIsNotExactlyOneJsonValue(string utf8) =>
        Assert.ThrowsAny<JsonException>(() => RawJson.Parse(Encoding.UTF8.GetBytes(utf8)));

    [Fact]
    public void Equality_IsByBytes()
    {
        var one = RawJson.Parse("""{"a":1}"""u8.ToArray());
        var same = RawJson.Parse("""{"a":1}"""u8.ToArray());
        var other = RawJson.Parse("""{"a": 1}"""u8.ToArray());

        Assert.Equal(one, same);
        Assert.Equal(one.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(one, other);
        Assert.Equal(Minimal with { Raw = one }, Minimal with { Raw = same });
    }

    [Fact]
    public void Deserialize_ReadsTheRawValueBack()
    {
        var json = CanonicalJson.Serialize(Minimal with { Raw = RawJson.Parse("""{"a":[1,"x"]}"""u8.ToArray()) });

        var read = CanonicalJson.Deserialize(json);

        Assert.Equal("""{"a":[1,"x"]}""", Encoding.UTF8.GetString(read.Raw!.Value.Utf8.Span));
    }

    /// <summary>How an invoice with the payload held as an element was written: the element written by a writer with the canonical options' encoder.</summary>
    private static string Serialize(JsonElement element)
    {
        var invoice = Encoding.UTF8.GetString(CanonicalJson.Serialize(Minimal));
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = CanonicalJson.Options.Encoder }))
        {
            element.WriteTo(writer);
        }

        return invoice[..^1] + ",\"raw\":" + Encoding.UTF8.GetString(buffer.WrittenSpan) + "}";
    }
}
