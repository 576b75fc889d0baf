using System.Buffers.Binary;

namespace InvoiceGateway.Caching;

/// <summary>
/// The bytes of an L2 entry: a version byte, when the value was fetched (UTC ticks, little endian),
/// then the codec's payload. The time travels with the value so every replica ages it alike.
/// </summary>
internal static class RemoteEnvelope
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + sizeof(long);

    public static byte[] Wrap(DateTimeOffset storedAt, byte[] payload)
    {
        var bytes = new byte[HeaderLength + payload.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), storedAt.UtcTicks);
        payload.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    /// <summary>Reads when the value was fetched; <see langword="false"/> for bytes this version did not write.</summary>
    public static bool TryReadStoredAt(byte[] bytes, out DateTimeOffset storedAt)
    {
        storedAt = default;
        if (bytes.Length < HeaderLength || bytes[0] != Version)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(1));
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        storedAt = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>The codec's bytes of an envelope that <see cref="TryReadStoredAt"/> accepted.</summary>
    public static ReadOnlySpan<byte> Payload(byte[] bytes) => bytes.AsSpan(HeaderLength);
}
