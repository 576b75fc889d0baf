using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// A source's whole normalized list as cached: the invoices, each one's canonical JSON serialized
/// once (without raw), and the orders the list can be sorted in, computed once on first use, so a
/// cached list request neither re-parses, re-maps, re-serializes nor re-sorts. The raw payloads, kept for
/// <c>include=raw</c>, are held Brotli-compressed (they were most of the memory a cached invoice took).
/// </summary>
[JsonConverter(typeof(SourceSnapshotJsonConverter))]
internal sealed class SourceSnapshot : CachedValue, ISizedValue
{
    // What an invoice's objects take beside its bytes (measured with bench/run.sh's memory phase).
    private const int ObjectBytesPerInvoice = 900;

    private readonly SortedView?[] _orders = new SortedView?[InvoiceOrder.Count];
    private Dictionary<string, int>? _bySourceId;
    private SnapshotIndex? _index;

    public SourceSnapshot(IReadOnlyList<Invoice> invoices, IReadOnlyList<SourceNotice> notices, DateTimeOffset storedAt)
    {
        Invoices = new Invoice[invoices.Count];
        Raw = new byte[]?[invoices.Count];
        Json = new byte[invoices.Count][];
        for (var i = 0; i < Invoices.Length; i++)
        {
            var invoice = invoices[i];
            Raw[i] = CompressedRaw.Compress(invoice.Raw);
            Invoices[i] = ServedOverdue.ForCache(invoice);
            Json[i] = CanonicalJson.Serialize(Invoices[i]);
        }

        Notices = notices;
        StoredAt = storedAt;
        SizeKb = Measure();
    }

    /// <summary>A snapshot read back from Redis: the invoices without raw, and their compressed raw payloads.</summary>
    private SourceSnapshot(Invoice[] invoices, byte[]?[] raw, IReadOnlyList<SourceNotice> notices, DateTimeOffset storedAt)
    {
        Invoices = invoices;
        Raw = raw;
        Json = new byte[invoices.Length][];
        for (var i = 0; i < invoices.Length; i++)
        {
            invoices[i] = ServedOverdue.ForCache(invoices[i]);
            Json[i] = CanonicalJson.Serialize(invoices[i]);
        }

        Notices = notices;
        StoredAt = storedAt;
        SizeKb = Measure();
    }

    /// <summary>The invoices, without raw (see <see cref="WithRaw"/>).</summary>
    public Invoice[] Invoices { get; }

    /// <summary>Canonical JSON of <see cref="Invoices"/> (same index), without raw.</summary>
    public byte[][] Json { get; }

    public IReadOnlyList<SourceNotice> Notices { get; }

    public int Rejected => Notices.Count(n => SourceNotice.IsRejection(n.Code));

    public long SizeKb { get; }

    /// <summary>The compressed raw payload of each invoice (same index); null where the source gave none.</summary>
    private byte[]?[] Raw { get; }

    /// <summary>The invoice at <paramref name="index"/> with its raw payload.</summary>
    public Invoice WithRaw(int index) =>
        Raw[index] is { } raw ? Invoices[index] with { Raw = CompressedRaw.Decompress(raw) } : Invoices[index];

    /// <summary>The compressed raw payload of the invoice at <paramref name="index"/>, as held.</summary>
    public byte[]? CompressedRawOf(int index) => Raw[index];

    /// <summary>The filters' indexes over this snapshot (each built when a query first needs it).</summary>
    public SnapshotIndex Index
    {
        get
        {
            if (Volatile.Read(ref _index) is { } index)
            {
                return index;
            }

            Interlocked.CompareExchange(ref _index, new SnapshotIndex(Invoices), null);
            return _index;
        }
    }

    /// <summary>The index of the invoice with this source id, or -1.</summary>
    public int IndexOf(string sourceId)
    {
        var index = Volatile.Read(ref _bySourceId);
        if (index is null)
        {
            index = new Dictionary<string, int>(Invoices.Length, StringComparer.Ordinal);
            for (var i = 0; i < Invoices.Length; i++)
            {
                index.TryAdd(Invoices[i].SourceId, i);
            }

            Volatile.Write(ref _bySourceId, index);
        }

        return index.TryGetValue(sourceId, out var found) ? found : -1;
    }

    public override string? FindImplausibility()
    {
        if (Invoices.Length != Raw.Length)
        {
            return "raw payloads do not match the invoices";
        }

        return Invoices.Any(i => i is null) || Notices.Any(n => n is null) ? "null entries" : null;
    }

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

    internal StoredSnapshot ToStored() => new(StoredAt, Invoices, Raw, Notices.ToArray());

    internal static SourceSnapshot FromStored(StoredSnapshot stored)
    {
        // Nulls where entries belong make the copy implausible (a miss), not a crash later.
        if (stored.Invoices is null || stored.Raw is null || stored.Notices is null)
        {
            throw new JsonException("A cached snapshot lacks its invoices, raw payloads or notices.");
        }

        if (stored.Invoices.Any(i => i is null) || stored.Notices.Any(n => n is null) || stored.Invoices.Length != stored.Raw.Length)
        {
            throw new JsonException("A cached snapshot has null entries or raw payloads that do not match its invoices.");
        }

        return new SourceSnapshot(stored.Invoices, stored.Raw, stored.Notices, stored.StoredAt);
    }

    private long Measure()
    {
        long bytes = 0;
        for (var i = 0; i < Invoices.Length; i++)
        {
            bytes += Json[i].Length + (Raw[i]?.Length ?? 0) + ObjectBytesPerInvoice;
        }

        return (bytes / 1024) + 1;
    }
}

/// <summary>One order of a snapshot: <see cref="Indexes"/> into its invoices, and the sort key of each (same position).</summary>
internal sealed class SortedView(int[] indexes, decimal?[] keys)
{
    private int[]? _positions;

    public int[] Indexes { get; } = indexes;

    public decimal?[] Keys { get; } = keys;

    /// <summary>Where each invoice stands in this order (the inverse of <see cref="Indexes"/>), built on first use.</summary>
    public int[] Positions
    {
        get
        {
            if (Volatile.Read(ref _positions) is { } built)
            {
                return built;
            }

            built = new int[Indexes.Length];
            for (var position = 0; position < Indexes.Length; position++)
            {
                built[Indexes[position]] = position;
            }

            Volatile.Write(ref _positions, built);
            return built;
        }
    }
}

/// <summary>A snapshot as Redis holds it: invoices without raw, their compressed raw payloads (base64), the notices.</summary>
internal sealed record StoredSnapshot(DateTimeOffset StoredAt, Invoice[] Invoices, byte[]?[] Raw, SourceNotice[] Notices);

/// <summary>Stores a snapshot in Redis as one JSON document (see <see cref="StoredSnapshot"/>).</summary>
internal sealed class SourceSnapshotJsonConverter : JsonConverter<SourceSnapshot>
{
    public override SourceSnapshot Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SourceSnapshot.FromStored(JsonSerializer.Deserialize(ref reader, SnapshotJsonContext.Default.StoredSnapshot)
                                  ?? throw new JsonException("A cached snapshot was null."));

    public override void Write(Utf8JsonWriter writer, SourceSnapshot value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToStored(), SnapshotJsonContext.Default.StoredSnapshot);
}

/// <summary>A cached detail read: the invoice and its canonical bytes and ETag, or "not found".</summary>
[JsonConverter(typeof(InvoiceDetailJsonConverter))]
internal sealed class InvoiceDetail : CachedValue, INotFound, ISizedValue
{
    private readonly byte[]? _raw;
    private DayETag? _servedETag;

    public InvoiceDetail(Invoice? invoice, DateTimeOffset storedAt)
        : this(invoice is null ? null : ServedOverdue.ForCache(invoice), CompressedRaw.Compress(invoice?.Raw), storedAt)
    {
    }

    /// <summary>One invoice of a cached list (for a source without a detail endpoint).</summary>
    public InvoiceDetail(SourceSnapshot snapshot, int index)
    {
        Invoice = snapshot.Invoices[index];
        Json = snapshot.Json[index];
        ETag = EntityTag.For(Json);
        StoredAt = snapshot.StoredAt;
        _raw = snapshot.CompressedRawOf(index);
    }

    private InvoiceDetail(Invoice? invoiceWithoutRaw, byte[]? raw, DateTimeOffset storedAt)
    {
        Invoice = invoiceWithoutRaw;
        _raw = raw;
        StoredAt = storedAt;
        if (invoiceWithoutRaw is not null)
        {
            Json = CanonicalJson.Serialize(invoiceWithoutRaw);
            ETag = EntityTag.For(Json);
        }
    }

    /// <summary>The invoice without raw; <see langword="null"/> when the source has no such invoice.</summary>
    public Invoice? Invoice { get; }

    public byte[] Json { get; } = [];

    public string ETag { get; } = string.Empty;

    public bool IsNotFound => Invoice is null;

    public long SizeKb => CacheEntry.DetailSizeKb;

    /// <summary>
    /// The ETag of the bytes served on <paramref name="today"/> (<see cref="ServedOverdue"/>): <see cref="ETag"/> unless the
    /// invoice is overdue then. The overdue one is hashed once per day, not per request (kept for the last day asked).
    /// </summary>
    public string ETagOn(DateOnly today)
    {
        if (Invoice?.DaysOverdueOn(today) is null)
        {
            return ETag;
        }

        if (Volatile.Read(ref _servedETag) is { } served && served.Day == today)
        {
            return served.ETag;
        }

        var body = ServedOverdue.PatchToArray(Invoice, Json, today);
        var etag = EntityTag.For(body);
        Volatile.Write(ref _servedETag, new DayETag(today, etag));
        return etag;
    }

    /// <summary>The invoice with its raw payload.</summary>
    public Invoice? WithRaw() => Invoice is null || _raw is null ? Invoice : Invoice with { Raw = CompressedRaw.Decompress(_raw) };

    public override string? FindImplausibility() => null;

    internal StoredDetail ToStored() => new(StoredAt, Invoice, _raw);

    internal static InvoiceDetail FromStored(StoredDetail stored) => new(stored.Invoice, stored.Raw, stored.StoredAt);
}

/// <summary>The ETag of an invoice's bytes as served on one day.</summary>
internal sealed record DayETag(DateOnly Day, string ETag);

/// <summary>A detail as Redis holds it.</summary>
internal sealed record StoredDetail(DateTimeOffset StoredAt, Invoice? Invoice, byte[]? Raw);

internal sealed class InvoiceDetailJsonConverter : JsonConverter<InvoiceDetail>
{
    public override InvoiceDetail Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        InvoiceDetail.FromStored(JsonSerializer.Deserialize(ref reader, SnapshotJsonContext.Default.StoredDetail)
                                 ?? throw new JsonException("A cached detail was null."));

    public override void Write(Utf8JsonWriter writer, InvoiceDetail value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToStored(), SnapshotJsonContext.Default.StoredDetail);
}

/// <summary>Raw payloads, Brotli-compressed: a cached invoice's raw JSON takes a fraction of its size in memory and in Redis.</summary>
internal static class CompressedRaw
{
    private const int Quality = 5;
    private const int Window = 22;

    public static byte[]? Compress(JsonElement? raw)
    {
        if (raw is not { } element)
        {
            return null;
        }

        var utf8 = JsonMarshal.GetRawUtf8Value(element);
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(utf8.Length)];
        if (!BrotliEncoder.TryCompress(utf8, buffer, out var written, Quality, Window))
        {
            throw new InvalidOperationException("A raw payload could not be compressed.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    public static JsonElement Decompress(byte[] compressed)
    {
        using var input = new MemoryStream(compressed, writable: false);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(brotli);
        return document.RootElement.Clone();
    }
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
[JsonSerializable(typeof(StoredDetail))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
