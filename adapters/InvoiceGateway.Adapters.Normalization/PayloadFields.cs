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

    /// <summary>The names of the shape; a name's index is what <see cref="IndexOf"/> answers.</summary>
    /// <param name="names">The names as documented (camelCase).</param>
    public PayloadFields(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names;
        _utf8 = [.. names.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>The index of the property's name among the shape's names, or -1 for a name the shape does not have.</summary>
    /// <param name="property">A property of an upstream object.</param>
    /// <returns>The index, or -1.</returns>
    public int IndexOf(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (System.Text.Ascii.IsValid(raw) && !raw.Contains((byte)'\\'))
        {
            for (var i = 0; i < _utf8.Length; i++)
            {
                if (raw.Length == _utf8[i].Length && System.Text.Ascii.EqualsIgnoreCase(raw, _utf8[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        var name = property.Name;
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
        JsonValueKind.Object => throw new JsonException("Expected a string, got StartObject."),
        _ => throw new JsonException("Expected a string, got StartArray."),
    };

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
