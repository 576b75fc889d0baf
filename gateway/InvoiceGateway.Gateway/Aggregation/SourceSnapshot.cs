using System.Text.Json;
using System.Text.Json.Serialization;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// A source's whole normalized list as cached: the invoices, each one's canonical JSON serialized
/// once (without raw), and the orders the list can be sorted in, computed once on first use, so a
/// cached list request neither re-parses, re-maps, re-serializes nor re-sorts.
/// </summary>
internal sealed class SourceSnapshot
{
    private readonly SortedView?[] _orders = new SortedView?[InvoiceOrder.Count];

    public SourceSnapshot(IReadOnlyList<Invoice> invoices, IReadOnlyList<SourceNotice> notices)
    {
        Invoices = invoices as Invoice[] ?? invoices.ToArray();
        Notices = notices;
        Json = new byte[Invoices.Length][];
        for (var i = 0; i < Invoices.Length; i++)
        {
            Json[i] = CanonicalJson.Serialize(ServedOverdue.ForCache(Invoices[i]));
        }
    }

    public Invoice[] Invoices { get; }

    /// <summary>Canonical JSON of <see cref="Invoices"/> (same index), without raw.</summary>
    public byte[][] Json { get; }

    public IReadOnlyList<SourceNotice> Notices { get; }

    public int Rejected => Notices.Count(n => SourceNotice.IsRejection(n.Code));

    /// <summary>
    /// The invoices in the given order, with each one's sort key alongside (computed once, then shared by all
    /// requests): merging a page compares keys in arrays instead of reading them out of each invoice.
    /// </summary>
    public SortedView Order(InvoiceOrder order)
    {
        var slot = order.Slot;
        if (Volatile.Read(ref _orders[slot]) is { } cached)
        {
            return cached;
        }

        var invoices = Invoices;
        var keys = new decimal?[invoices.Length];
        var indexes = new int[invoices.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = i;
            keys[i] = order.KeyOf(invoices[i]);
        }

        Array.Sort(indexes, (a, b) => order.Compare(keys[a], invoices[a].Id, keys[b], invoices[b].Id));
        var sortedKeys = new decimal?[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            sortedKeys[i] = keys[indexes[i]];
        }

        var view = new SortedView(indexes, sortedKeys);
        Volatile.Write(ref _orders[slot], view);
        return view;
    }
}

/// <summary>One order of a snapshot: <see cref="Indexes"/> into its invoices, and the sort key of each (same position).</summary>
internal sealed class SortedView(int[] indexes, decimal?[] keys)
{
    public int[] Indexes { get; } = indexes;

    public decimal?[] Keys { get; } = keys;
}

/// <summary>Stores a snapshot in Redis as one JSON document (invoices with raw, and the notices).</summary>
internal sealed class SourceSnapshotCodec : ICacheCodec<SourceSnapshot>
{
    public static SourceSnapshotCodec Instance { get; } = new();

    public byte[] Encode(SourceSnapshot value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.SerializeToUtf8Bytes(
            new StoredSnapshot(value.Invoices, value.Notices.ToArray()), SnapshotJsonContext.Default.StoredSnapshot);
    }

    public SourceSnapshot Decode(ReadOnlySpan<byte> bytes)
    {
        var stored = JsonSerializer.Deserialize(bytes, SnapshotJsonContext.Default.StoredSnapshot)
                     ?? throw new JsonException("A cached snapshot was null.");
        return new SourceSnapshot(stored.Invoices, stored.Notices);
    }
}

internal sealed record StoredSnapshot(Invoice[] Invoices, SourceNotice[] Notices);

/// <summary>A cached detail read: the invoice and its canonical bytes and ETag, or "not found".</summary>
internal sealed class InvoiceDetail
{
    public static InvoiceDetail NotFound { get; } = new(null);

    public InvoiceDetail(Invoice? invoice)
    {
        Invoice = invoice;
        if (invoice is not null)
        {
            Json = CanonicalJson.Serialize(ServedOverdue.ForCache(invoice));
            ETag = EntityTag.For(Json);
        }
    }

    public Invoice? Invoice { get; }

    public byte[] Json { get; } = [];

    public string ETag { get; } = string.Empty;
}

internal sealed class InvoiceDetailCodec : ICacheCodec<InvoiceDetail>
{
    public static InvoiceDetailCodec Instance { get; } = new();

    public byte[] Encode(InvoiceDetail value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Invoice is null ? [] : CanonicalJson.Serialize(value.Invoice);
    }

    public InvoiceDetail Decode(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? InvoiceDetail.NotFound : new InvoiceDetail(CanonicalJson.Deserialize(bytes));
}

/// <summary>Strong entity tags from content: the first 16 bytes of SHA-256, hex.</summary>
internal static class EntityTag
{
    public static string For(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(content, hash);
        return "\"" + Convert.ToHexStringLower(hash[..16]) + "\"";
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(UtcDateTimeOffsetConverter)])]
[JsonSerializable(typeof(StoredSnapshot))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
