using System.Buffers;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>
/// Invoices pre-serialized once, joined by commas in one buffer, so that any run of consecutive
/// entries is a single slice ready to be written into a list page.
/// </summary>
internal sealed class EntryList
{
    private readonly byte[] joined;

    // starts[i] is where entry i begins; starts[Count] is one past the (virtual) comma after the last entry.
    private readonly int[] starts;

    private EntryList(byte[] joined, int[] starts)
    {
        this.joined = joined;
        this.starts = starts;
    }

    public int Count => starts.Length - 1;

    public ReadOnlyMemory<byte> Entry(int index) => joined.AsMemory(starts[index], starts[index + 1] - starts[index] - 1);

    /// <summary>Entries <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive), comma-separated.</summary>
    public ReadOnlyMemory<byte> Range(int start, int end) =>
        end <= start ? ReadOnlyMemory<byte>.Empty : joined.AsMemory(starts[start], starts[end] - 1 - starts[start]);

    public sealed class Builder
    {
        private readonly ArrayBufferWriter<byte> buffer;
        private readonly Utf8JsonWriter writer;
        private readonly List<int> starts;

        public Builder(int capacity, int bytesPerEntry)
        {
            buffer = new ArrayBufferWriter<byte>(Math.Max(256, capacity * bytesPerEntry));
            writer = new Utf8JsonWriter(buffer, JsonWriting.Options);
            starts = new List<int>(capacity + 1);
        }

        /// <summary>Starts an entry: write one JSON value to the returned writer, then call <see cref="End"/>.</summary>
        public Utf8JsonWriter Begin()
        {
            if (starts.Count > 0)
            {
                buffer.Write(","u8);
            }

            starts.Add(buffer.WrittenCount);
            writer.Reset(buffer);
            return writer;
        }

        public void End() => writer.Flush();

        /// <summary>Adds a JSON text as one entry, compacted; number texts stay as written.</summary>
        public void AddJson(string json)
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(Begin());
            End();
        }

        public EntryList Build()
        {
            starts.Add(buffer.WrittenCount + 1);
            var result = new EntryList(buffer.WrittenSpan.ToArray(), [.. starts]);
            writer.Dispose();
            return result;
        }
    }
}
