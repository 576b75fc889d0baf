using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// The raw payloads of a snapshot (kept for <c>include=raw</c>), Brotli-compressed in blocks of
/// <see cref="BlockSize"/> consecutive invoices: one vendor's payloads repeat their keys and most of their values,
/// so a block compresses to about a third of what each payload compressed alone did (measured on the five sandbox
/// APIs: 530 → 195 bytes per invoice). Reading one payload unpacks its block (about 20 KB): a cost only
/// <c>include=raw</c> pays.
/// </summary>
internal sealed class RawBlocks
{
    public const int BlockSize = 16;

    private const int Quality = 5;
    private const int Window = 22;

    private RawBlocks(byte[]?[] blocks, int count)
    {
        Blocks = blocks;
        Count = count;
    }

    /// <summary>Each block: its unpacked length (4 bytes, little-endian), then the Brotli stream; null when no payload of the block has raw.</summary>
    public byte[]?[] Blocks { get; }

    /// <summary>How many invoices the blocks hold.</summary>
    public int Count { get; }

    /// <summary>The bytes held.</summary>
    public long Bytes => Blocks.Sum(b => (long)(b?.Length ?? 0));

    public static RawBlocks Compress(IReadOnlyList<Invoice> invoices)
    {
        var blocks = new byte[]?[(invoices.Count + BlockSize - 1) / BlockSize];
        var buffer = new ArrayBufferWriter<byte>();
        for (var block = 0; block < blocks.Length; block++)
        {
            buffer.ResetWrittenCount();
            var any = false;
            for (var i = block * BlockSize; i < Math.Min(invoices.Count, (block + 1) * BlockSize); i++)
            {
                var length = buffer.GetSpan(4);
                if (invoices[i].Raw is { } raw)
                {
                    var utf8 = raw.Utf8.Span;
                    BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
                    buffer.Advance(4);
                    buffer.Write(utf8);
                    any = true;
                }
                else
                {
                    BinaryPrimitives.WriteInt32LittleEndian(length, -1);
                    buffer.Advance(4);
                }
            }

            blocks[block] = any ? CompressBlock(buffer.WrittenSpan) : null;
        }

        return new RawBlocks(blocks, invoices.Count);
    }

    /// <summary>Blocks read back (from Redis); <c>null</c> when they do not unpack into <paramref name="count"/> payloads.</summary>
    public static RawBlocks? Read(byte[]?[] blocks, int count)
    {
        if (blocks.Length != (count + BlockSize - 1) / BlockSize)
        {
            return null;
        }

        var read = new RawBlocks(blocks, count);
        for (var block = 0; block < blocks.Length; block++)
        {
            if (blocks[block] is not null && !read.TryVisit(block, _ => { }))
            {
                return null;
            }
        }

        return read;
    }

    /// <summary>The raw payload of the invoice at <paramref name="index"/>, or null when its source gave none.</summary>
    public RawJson? Get(int index)
    {
        if (Blocks[index / BlockSize] is null)
        {
            return null;
        }

        RawJson? found = null;
        if (!TryVisit(index / BlockSize, (position, payload) =>
            {
                if (position == index % BlockSize && payload.Length >= 0)
                {
                    found = RawJson.Parse(payload.Memory.ToArray());
                }
            }))
        {
            throw new InvalidDataException("A block of raw payloads does not unpack.");
        }

        return found;
    }

    private bool TryVisit(int block, Action<ReadOnlyMemory<byte>> each) =>
        TryVisit(block, (_, payload) => each(payload.Memory));

    /// <summary>Unpacks a block and calls <paramref name="each"/> with each payload's position and bytes (length -1 for none).</summary>
    private bool TryVisit(int block, Action<int, Payload> each)
    {
        var packed = Blocks[block]!;
        if (packed.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(packed);
        if (length is < 0 or > 1 << 30)
        {
            return false;
        }

        var unpacked = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            if (!BrotliDecoder.TryDecompress(packed.AsSpan(4), unpacked.AsSpan(0, length), out var written) || written != length)
            {
                return false;
            }

            var at = 0;
            var expected = Math.Min(BlockSize, Count - (block * BlockSize));
            for (var position = 0; position < expected; position++)
            {
                if (at + 4 > length)
                {
                    return false;
                }

                var size = BinaryPrimitives.ReadInt32LittleEndian(unpacked.AsSpan(at));
                at += 4;
                if (size < -1 || at + Math.Max(size, 0) > length)
                {
                    return false;
                }

                each(position, new Payload(unpacked.AsMemory(at, Math.Max(size, 0)), size));
                at += Math.Max(size, 0);
            }

            return at == length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(unpacked);
        }
    }

    private static byte[] CompressBlock(ReadOnlySpan<byte> block)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(block.Length) + 4);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer, block.Length);
            if (!BrotliEncoder.TryCompress(block, buffer.AsSpan(4), out var written, Quality, Window))
            {
                throw new InvalidOperationException("A block of raw payloads could not be compressed.");
            }

            return buffer.AsSpan(0, written + 4).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private readonly record struct Payload(ReadOnlyMemory<byte> Memory, int Length);
}
