using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InvoiceGateway.Contracts;

/// <summary>
/// The one JSON shape of the canonical model: camelCase, enums as camelCase strings, decimal amounts
/// written exactly as held, dates as <c>yyyy-MM-dd</c>, date-times as RFC 3339 in UTC, nulls written.
/// </summary>
public static class CanonicalJson
{
    // The source-generated metadata with one addition the attribute cannot express: names such as
    // "Bjørn" or "+47 ..." are written as they are, not as \u escapes (responses are JSON, never HTML).
    private static readonly CanonicalJsonContext Context = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcDateTimeOffsetConverter() },
    });

    /// <summary>Serializer options for the canonical model (source-generated metadata).</summary>
    public static JsonSerializerOptions Options => Context.Options;

    /// <summary>Serializes an invoice to UTF-8 JSON.</summary>
    /// <param name="invoice">The invoice.</param>
    /// <returns>The UTF-8 bytes.</returns>
    public static byte[] Serialize(Invoice invoice) =>
        JsonSerializer.SerializeToUtf8Bytes(invoice, Context.Invoice);

    /// <summary>Reads an invoice from UTF-8 JSON written by <see cref="Serialize(Invoice)"/>.</summary>
    /// <param name="utf8Json">The UTF-8 bytes.</param>
    /// <returns>The invoice.</returns>
    public static Invoice Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, Context.Invoice)
        ?? throw new JsonException("The JSON value was null; an invoice was expected.");
}

/// <summary>Source-generated serialization metadata for the canonical model.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcDateTimeOffsetConverter)])]
[JsonSerializable(typeof(Invoice))]
[JsonSerializable(typeof(List<Invoice>))]
[JsonSerializable(typeof(Invoice[]))]
public sealed partial class CanonicalJsonContext : JsonSerializerContext;

/// <summary>Writes date-times as RFC 3339 in UTC (<c>2021-01-16T10:00:00Z</c>); reads any ISO 8601 offset.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[40];
        value.UtcDateTime.TryFormat(buffer, out var written, "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
