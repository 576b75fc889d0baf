using System.Text.Json;
using System.Text.Json.Serialization;

namespace InvoiceGateway.Adapters.Sendcloud.Payload;

/// <summary>
/// A Sendcloud invoice, from the list (<c>items</c> a URL) or the detail (<c>items</c> an array).
/// Scalars are read as text so that amounts keep their scale and a value of the wrong type becomes
/// an <c>unparsed_value</c> warning instead of a rejected invoice.
/// </summary>
internal sealed record SendcloudInvoicePayload
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>The invoice number, <c>{PODID}-{YEAR}-{COUNTRY}{INVOICENUMBER}</c>.</summary>
    [JsonPropertyName("ref")]
    public string? Ref { get; init; }

    /// <summary><c>periodic</c>, <c>forced</c>, <c>initial_payment</c>, <c>other</c> or <c>unblock_payment</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("price_incl")]
    public string? PriceIncl { get; init; }

    [JsonPropertyName("price_excl")]
    public string? PriceExcl { get; init; }

    [JsonPropertyName("isPayed")]
    public string? IsPayed { get; init; }

    /// <summary><c>dd-MM-yyyy HH:mm:ss</c> (UTC) in the examples, RFC 3339 in the schema.</summary>
    [JsonPropertyName("date")]
    public string? Date { get; init; }

    /// <summary>The lines in the detail; <c>null</c> when the list sends a URL to them instead.</summary>
    [JsonPropertyName("items")]
    [JsonConverter(typeof(ItemsOrLinkConverter))]
    public IReadOnlyList<SendcloudItemPayload>? Items { get; init; }
}

/// <summary>One line of a Sendcloud invoice detail.</summary>
internal sealed record SendcloudItemPayload
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }
}

/// <summary>Reads <c>items</c>: an array of lines, or a URL string (the list's link to them), which reads as no lines.</summary>
internal sealed class ItemsOrLinkConverter : JsonConverter<IReadOnlyList<SendcloudItemPayload>>
{
    public override IReadOnlyList<SendcloudItemPayload>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => null,
            // A null entry is no line; a malformed one fails the invoice.
            JsonTokenType.StartArray => JsonSerializer.Deserialize<List<SendcloudItemPayload?>>(ref reader, options)!
                .OfType<SendcloudItemPayload>().ToArray(),
            _ => throw new JsonException($"'items' must be an array or a URL, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<SendcloudItemPayload> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Payload records are only read.");
}
