using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// The property names of one upstream object shape, matched as <see cref="UpstreamJson.PayloadOptions"/> matched them
/// when payloads were deserialized into records (case-insensitive, <see cref="StringComparison.OrdinalIgnoreCase"/>),
/// for adapters that read a <see cref="JsonElement"/> straight into the canonical invoice. A plain ASCII name is
/// compared on its raw UTF-8 bytes without making a string of it; an escaped or non-ASCII one is decoded first.
/// </summary>
public sealed class PayloadFields
{
    private readonly string[] _names;
    private readonly byte[][] _utf8;

    // The indexes of the names of each length in bytes: a name is compared only with those of its own length.
    private readonly int[][] _byLength;

    /// <summary>The names of the shape; a name's index is what <see cref="IndexOf(JsonProperty)"/> answers.</summary>
    /// <param name="names">The names as documented (camelCase).</param>
    public PayloadFields(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Length)
        {
            throw new ArgumentException("The names of a shape must differ ignoring case.", nameof(names));
        }

        _names = names;
        _utf8 = [.. names.Select(Encoding.UTF8.GetBytes)];
        _byLength = new int[_utf8.Max(n => n.Length) + 1][];
        for (var length = 0; length < _byLength.Length; length++)
        {
            _byLength[length] = [.. Enumerable.Range(0, _utf8.Length).Where(i => _utf8[i].Length == length)];
        }
    }

    /// <summary>The index of the property's name among the shape's names, or -1 for a name the shape does not have.</summary>
    /// <param name="property">A property of an upstream object.</param>
    /// <returns>The index, or -1.</returns>
    public int IndexOf(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return System.Text.Ascii.IsValid(raw) && !raw.Contains((byte)'\\') ? IndexOfAscii(raw) : IndexOfName(property.Name);
    }

    /// <summary>The index of the name of the property the reader is on, as <see cref="IndexOf(JsonProperty)"/> matches it.</summary>
    /// <param name="reader">A reader on a <see cref="JsonTokenType.PropertyName"/> (over one buffer, not a sequence).</param>
    /// <returns>The index, or -1.</returns>
    public int IndexOf(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (raw.Length < _byLength.Length)
        {
            // The name as documented, the usual case: an exact match is the answer (the names differ ignoring case).
            foreach (var i in _byLength[raw.Length])
            {
                if (raw.SequenceEqual(_utf8[i]))
                {
                    return i;
                }
            }
        }

        return !reader.ValueIsEscaped && System.Text.Ascii.IsValid(raw) ? IndexOfAscii(raw) : IndexOfName(reader.GetString()!);
    }

    private int IndexOfAscii(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < _byLength.Length)
        {
            foreach (var i in _byLength[raw.Length])
            {
                if (System.Text.Ascii.EqualsIgnoreCase(raw, _utf8[i]))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private int IndexOfName(string name)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (string.Equals(name, _names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// A scalar as text, as <see cref="LenientStringConverter"/> reads it: a string, a number as written, <c>true</c> or
    /// <c>false</c>; <c>null</c> for JSON null. An object or an array is no text: <see cref="JsonException"/>.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The text or <c>null</c>.</returns>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw NotText(value.ValueKind == JsonValueKind.Object),
    };

    /// <summary>
    /// The value the reader is on as text, as <see cref="Text(JsonElement)"/> reads the element of the same bytes; an object
    /// or an array throws the same <see cref="JsonException"/> (the reader stays on its start).
    /// </summary>
    /// <param name="reader">A reader on a value token (over one buffer, not a sequence).</param>
    /// <returns>The text or <c>null</c>.</returns>
    public static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => null,
        _ => throw NotText(reader.TokenType == JsonTokenType.StartObject),
    };

    /// <summary>What reading an object or an array as text throws, as the payload serializer's string converter did.</summary>
    /// <param name="isObject">An object (else an array).</param>
    /// <returns>The exception.</returns>
    public static JsonException NotText(bool isObject) =>
        new(isObject ? "Expected a string, got StartObject." : "Expected a string, got StartArray.");

    /// <summary>
    /// A scalar kept as its element, to be read later without making text of it (amounts, dates:
    /// <see cref="UpstreamAmount.Read(UpstreamValues, string, JsonElement?)"/>); <c>null</c> for JSON null. An object or
    /// an array throws as <see cref="Text(JsonElement)"/> does, so a payload is rejected for the same values. The
    /// element's document must outlive its use.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar, or <c>null</c>.</returns>
    public static JsonElement? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value,
        JsonValueKind.Null => null,
        _ => throw NotText(value.ValueKind == JsonValueKind.Object),
    };

    /// <summary>A scalar kept by <see cref="Scalar"/> as <see cref="Text(JsonElement)"/> reads it.</summary>
    /// <param name="value">The scalar, or <c>null</c>.</param>
    /// <returns>The text or <c>null</c>.</returns>
    public static string? Text(JsonElement? value) => value is { } scalar ? Text(scalar) : null;

    /// <summary>
    /// The UTF-8 of what <see cref="Text(JsonElement)"/> would answer, without making the string: a number as written,
    /// a string without escapes; false for anything else (an escaped string, a boolean), which callers read as text.
    /// </summary>
    /// <param name="value">The scalar.</param>
    /// <param name="utf8">Its text as UTF-8 bytes.</param>
    /// <returns>Whether the bytes are the text.</returns>
    public static bool TryGetUtf8Text(JsonElement value, out ReadOnlySpan<byte> utf8)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            utf8 = JsonMarshal.GetRawUtf8Value(value);
            return true;
        }

        utf8 = value.ValueKind == JsonValueKind.String ? JsonMarshal.GetRawUtf8Value(value)[1..^1] : default;
        return value.ValueKind == JsonValueKind.String && !utf8.Contains((byte)'\\');
    }

    /// <summary>An object value, or <c>null</c> for JSON null; anything else is <see cref="JsonException"/> naming the field.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The field's path, for the message.</param>
    /// <returns>The object, or <c>null</c>.</returns>
    public static JsonElement? Object(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Object => value,
        JsonValueKind.Null => null,
        _ => throw new JsonException($"The '{field}' value is {UpstreamJson.Describe(value.ValueKind)}; an object was expected."),
    };
}
