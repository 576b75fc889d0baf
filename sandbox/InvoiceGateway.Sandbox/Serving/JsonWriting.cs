using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>How the sandbox writes upstream JSON: UTF-8 as upstreams send it (no \u escapes of letters), dates in their vendor formats.</summary>
internal static class JsonWriting
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string ContentType = "application/json; charset=utf-8";

    public static void WriteDate(this Utf8JsonWriter writer, string name, DateOnly value)
    {
        Span<char> text = stackalloc char[10];
        value.TryFormat(text, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..written]);
    }

    public static void WriteDateOrNull(this Utf8JsonWriter writer, string name, DateOnly? value)
    {
        if (value is { } date)
        {
            writer.WriteDate(name, date);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>RFC 3339 in UTC without fractions, as the vendor docs show: <c>2023-11-07T05:31:56Z</c>.</summary>
    public static void WriteTimestamp(this Utf8JsonWriter writer, string name, DateTime value)
    {
        Span<char> text = stackalloc char[20];
        value.TryFormat(text, out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..written]);
    }

    public static void WriteTimestampOrNull(this Utf8JsonWriter writer, string name, DateTime? value)
    {
        if (value is { } timestamp)
        {
            writer.WriteTimestamp(name, timestamp);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static string Format(this int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(this long value) => value.ToString(CultureInfo.InvariantCulture);
}
