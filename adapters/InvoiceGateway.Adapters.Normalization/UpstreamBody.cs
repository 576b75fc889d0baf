using System.Buffers;

namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// A whole upstream body in a buffer rented from the shared pool (<see cref="UpstreamJson.ReadBodyAsync"/>), for an
/// adapter that reads it with a <see cref="System.Text.Json.Utf8JsonReader"/> instead of parsing a document. Read as
/// <see cref="System.Text.Json.JsonDocument.ParseAsync(Stream, System.Text.Json.JsonDocumentOptions, CancellationToken)"/>
/// reads a stream before parsing it (that method does not expose its bytes): a leading UTF-8 byte order mark is dropped,
/// the buffer doubles as it fills, and it is cleared before it goes back to the pool.
/// </summary>
public sealed class UpstreamBody : IDisposable
{
    private const int InitialSize = 4096;
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private byte[]? _rented;
    private readonly int _length;

    private UpstreamBody(byte[] rented, int length)
    {
        _rented = rented;
        _length = length;
    }

    /// <summary>The body's bytes (without a byte order mark); valid until disposed.</summary>
    public ReadOnlyMemory<byte> Utf8 => new(_rented ?? throw new ObjectDisposedException(nameof(UpstreamBody)), 0, _length);

    /// <summary>Reads a stream to its end.</summary>
    /// <param name="stream">The body's stream (bounded by the upstream pipeline's size limit).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The body.</returns>
    public static async Task<UpstreamBody> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var rented = ArrayPool<byte>.Shared.Rent(InitialSize);
        var written = 0;
        try
        {
            int read;
            do
            {
                read = await stream.ReadAsync(rented.AsMemory(written, Utf8Bom.Length - written), cancellationToken).ConfigureAwait(false);
                written += read;
            }
            while (read > 0 && written < Utf8Bom.Length);

            if (written == Utf8Bom.Length && rented.AsSpan(0, written).SequenceEqual(Utf8Bom))
            {
                written = 0;
            }

            do
            {
                if (written == rented.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(rented.Length * 2);
                    rented.AsSpan(0, written).CopyTo(larger);
                    Return(rented, written);
                    rented = larger;
                }

                read = await stream.ReadAsync(rented.AsMemory(written), cancellationToken).ConfigureAwait(false);
                written += read;
            }
            while (read > 0);

            return new UpstreamBody(rented, written);
        }
        catch
        {
            Return(rented, written);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            Return(rented, _length);
        }
    }

    // An upstream's invoices: cleared before another renter sees the buffer.
    private static void Return(byte[] rented, int written)
    {
        rented.AsSpan(0, written).Clear();
        ArrayPool<byte>.Shared.Return(rented);
    }
}
