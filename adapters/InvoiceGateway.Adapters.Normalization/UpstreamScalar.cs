using System.Text.Json;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// A scalar of an upstream object read with a <see cref="Utf8JsonReader"/> (no <see cref="JsonDocument"/>), kept as its
/// token's bytes in the body being read, to be parsed later (amounts, dates) without making text of it: what
/// <see cref="PayloadFields.Scalar"/> is for an element. Its text is what <see cref="PayloadFields.Text(JsonElement)"/>
/// answers for the element of the same bytes (strings unescaped by the same reader, numbers as written), so values and
/// warnings read through it are those of the element path. The body must outlive its use.
/// </summary>
public readonly struct UpstreamScalar
{
    // The whole token: a string with its quotes, still escaped; a number as written; nothing for true and false.
    private readonly ReadOnlyMemory<byte> _token;

    private UpstreamScalar(JsonTokenType tokenType, ReadOnlyMemory<byte> token)
    {
        TokenType = tokenType;
        _token = token;
    }

    /// <summary><see cref="JsonTokenType.String"/>, <see cref="JsonTokenType.Number"/>, <see cref="JsonTokenType.True"/> or <see cref="JsonTokenType.False"/>.</summary>
    public JsonTokenType TokenType { get; }

    /// <summary>
    /// The value at the reader's current token: a scalar, or <c>null</c> for JSON null. An object or an array throws
    /// <see cref="JsonException"/> as <see cref="PayloadFields.Scalar"/> does (the reader stays on its start).
    /// </summary>
    /// <param name="reader">A reader over <paramref name="body"/>, on a value token.</param>
    /// <param name="body">The bytes the reader reads (the whole buffer it was created over).</param>
    /// <returns>The scalar, or <c>null</c>.</returns>
    public static UpstreamScalar? Read(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body) => reader.TokenType switch
    {
        JsonTokenType.String => new UpstreamScalar(JsonTokenType.String, body.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2)),
        JsonTokenType.Number => new UpstreamScalar(JsonTokenType.Number, body.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length)),
        JsonTokenType.True or JsonTokenType.False => new UpstreamScalar(reader.TokenType, default),
        JsonTokenType.Null => null,
        _ => throw PayloadFields.NotText(reader.TokenType == JsonTokenType.StartObject),
    };

    /// <summary>
    /// The UTF-8 of <see cref="Text"/> without making the string: a number as written, a string without escapes; false for
    /// anything else (an escaped string, a boolean), which callers read as text (<see cref="PayloadFields.TryGetUtf8Text"/>).
    /// </summary>
    /// <param name="utf8">The text as UTF-8.</param>
    /// <returns>Whether the bytes are the text.</returns>
    public bool TryGetUtf8Text(out ReadOnlySpan<byte> utf8)
    {
        if (TokenType == JsonTokenType.Number)
        {
            utf8 = _token.Span;
            return true;
        }

        utf8 = TokenType == JsonTokenType.String ? _token.Span[1..^1] : default;
        return TokenType == JsonTokenType.String && !utf8.Contains((byte)'\\');
    }

    /// <summary>The text, as <see cref="PayloadFields.Text(JsonElement)"/> reads the element of the same bytes.</summary>
    /// <returns>The text.</returns>
    public string Text()
    {
        switch (TokenType)
        {
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.Number:
                return System.Text.Encoding.UTF8.GetString(_token.Span);
            default:
                // The token alone, read again: the same unescaping (and the same error for invalid UTF-8) as the element's.
                var reader = new Utf8JsonReader(_token.Span);
                reader.Read();
                return reader.GetString()!;
        }
    }

    /// <summary>The text of a scalar, or <c>null</c>.</summary>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <returns>The text or <c>null</c>.</returns>
    public static string? Text(UpstreamScalar? value) => value?.Text();
}
