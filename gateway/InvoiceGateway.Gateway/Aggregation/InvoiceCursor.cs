using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// The position after the last invoice of a page: its sort key and id (keyset paging), so the
/// next page starts exactly after it even when sources change in between: no duplicate, no gap.
/// Opaque to clients: base64url of a small JSON object, tied to the query's fingerprint.
/// </summary>
internal sealed record InvoiceCursor(
    [property: JsonPropertyName("s")] string Sort,
    [property: JsonPropertyName("k")] string? Key,
    [property: JsonPropertyName("i")] string Id,
    [property: JsonPropertyName("f")] string Fingerprint)
{
    private const int MaxLength = 2048;

    public decimal? KeyValue => Key is null ? null : decimal.Parse(Key, NumberStyles.Number, CultureInfo.InvariantCulture);

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, CursorJsonContext.Default.InvoiceCursor));

    public static InvoiceCursor? TryParse(string text)
    {
        if (text.Length > MaxLength)
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(text);
            var cursor = JsonSerializer.Deserialize(bytes, CursorJsonContext.Default.InvoiceCursor);
            if (cursor is null || cursor.Sort is null || cursor.Id is null || cursor.Fingerprint is null)
            {
                return null;
            }

            return cursor.Key is null || decimal.TryParse(cursor.Key, NumberStyles.Number, CultureInfo.InvariantCulture, out _)
                ? cursor
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(InvoiceCursor))]
internal sealed partial class CursorJsonContext : JsonSerializerContext;
