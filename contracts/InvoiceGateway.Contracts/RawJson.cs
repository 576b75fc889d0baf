using System.Text.Json;
using System.Text.Json.Serialization;

namespace InvoiceGateway.Contracts;

/// <summary>
/// An upstream payload kept as the UTF-8 bytes of one JSON value, as the upstream sent it (<see cref="Invoice.Raw"/>).
/// Bytes rather than a <see cref="JsonElement"/>: everything that keeps a payload (the cache compresses it, Redis
/// stores it) wants its bytes, and a cloned element costs a copy of the bytes plus a copy of the parsed document's
/// metadata (twice the payload's size) for every invoice read, used only when a client asks for <c>include=raw</c>.
/// Serialized exactly as the <see cref="JsonElement"/> of the same bytes is (parsed then, not when read).
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly struct RawJson : IEquatable<RawJson>
{
    // An upstream's bytes may hold comments and trailing commas (adapters parse leniently) and nest as deep as a source's
    // MaxDepth allows (at most 1,000): read back with the same leniency, so that what was accepted then still is.
    internal static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 1_000 };

    private readonly ReadOnlyMemory<byte> _utf8;

    private RawJson(ReadOnlyMemory<byte> utf8) => _utf8 = utf8;

    /// <summary>The UTF-8 JSON of the payload: exactly one JSON value, never empty.</summary>
    public ReadOnlyMemory<byte> Utf8 => _utf8;

    /// <summary>A copy of an element's own bytes (the element's document may be disposed afterwards).</summary>
    /// <param name="element">The payload, from a document parsed with any options.</param>
    /// <returns>The payload's bytes.</returns>
    public static RawJson Of(JsonElement element) =>
        new(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).ToArray());

    /// <summary>
    /// A copy of the bytes of one JSON value that a <see cref="Utf8JsonReader"/> has just read whole (an adapter that reads
    /// its page without a document: from the value's <see cref="Utf8JsonReader.TokenStartIndex"/> to
    /// <see cref="Utf8JsonReader.BytesConsumed"/> after its last token). Not checked again: the reader did.
    /// </summary>
    /// <param name="utf8Value">The value's bytes.</param>
    /// <returns>The payload's bytes.</returns>
    public static RawJson OfRead(ReadOnlySpan<byte> utf8Value) => new(utf8Value.ToArray());

    /// <summary>Keeps <paramref name="utf8"/> (not copied) after checking that it is exactly one JSON value.</summary>
    /// <param name="utf8">The UTF-8 JSON; the caller does not change it afterwards.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="JsonException">The bytes are not one JSON value.</exception>
    public static RawJson Parse(ReadOnlyMemory<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions
        {
            AllowTrailingCommas = Lenient.AllowTrailingCommas, CommentHandling = Lenient.CommentHandling, MaxDepth = Lenient.MaxDepth,
        });
        if (!reader.Read() || !reader.TrySkip() || reader.Read())
        {
            throw new JsonException("The raw payload is not exactly one JSON value.");
        }

        return new RawJson(utf8);
    }

    /// <summary>The payload parsed, for callers that walk it (tests, tools); the gateway itself only moves the bytes.</summary>
    /// <returns>An element that owns its document.</returns>
    public JsonElement ToElement()
    {
        using var document = JsonDocument.Parse(_utf8, Lenient);
        return document.RootElement.Clone();
    }

    /// <summary>Equal when the bytes are.</summary>
    /// <param name="other">The other payload.</param>
    /// <returns>Whether both hold the same bytes.</returns>
    public bool Equals(RawJson other) => _utf8.Span.SequenceEqual(other._utf8.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RawJson other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_utf8.Span);
        return hash.ToHashCode();
    }

    /// <summary>Whether two payloads hold the same bytes.</summary>
    /// <param name="left">One payload.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(RawJson left, RawJson right) => left.Equals(right);

    /// <summary>Whether two payloads hold different bytes.</summary>
    /// <param name="left">One payload.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(RawJson left, RawJson right) => !left.Equals(right);
}

/// <summary>
/// Writes a <see cref="RawJson"/> as <see cref="JsonElement.WriteTo"/> writes the element of its bytes (whitespace
/// and comments dropped, strings escaped by the writer's encoder), so that <c>include=raw</c> answers the same bytes as when the
/// payload was held as an element; reads any JSON value.
/// </summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc />
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return RawJson.Of(document.RootElement);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var document = JsonDocument.Parse(value.Utf8, RawJson.Lenient);
        document.RootElement.WriteTo(writer);
    }
}
