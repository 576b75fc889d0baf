using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

/// <summary>Canonical JSON as golden files hold it: indented, numbers exactly as written (so decimal scale counts).</summary>
internal static class Canonical
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Text(Invoice invoice) => Normalize(CanonicalJson.Serialize(invoice with { Raw = null }));

    public static string Text(IEnumerable<Invoice> invoices)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            writer.WriteStartArray();
            foreach (var invoice in invoices)
            {
                using var document = JsonDocument.Parse(CanonicalJson.Serialize(invoice with { Raw = null }));
                document.RootElement.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>Re-writes JSON indented; whitespace differences vanish, number and string text stays as it was.</summary>
    public static string Normalize(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            document.RootElement.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    public static string Normalize(string json) => Normalize(Encoding.UTF8.GetBytes(json));
}
