using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// A source's whole normalized list as cached: each invoice once, as its canonical JSON (without raw) packed
/// (<see cref="PackedJson"/>), with the few facts filters, search and sorting need beside it (<see cref="InvoiceFacts"/>);
/// the orders the list can be sorted in are computed once on first use, so a cached list request neither re-parses,
/// re-maps, re-serializes nor re-sorts. The raw payloads, kept for <c>include=raw</c>, are Brotli-compressed in blocks
/// (<see cref="RawBlocks"/>). An invoice's object graph is rebuilt from its JSON only when a request needs all of it
/// (UBL, <c>include=raw</c>): objects, serialized bytes and raw payloads held side by side were most of the
/// memory a cached invoice took (bench/results/memory-profile.md).
/// </summary>
[JsonConverter(typeof(SourceSnapshotJsonConverter))]
internal sealed class SourceSnapshot : CachedValue, ISizedValue
{
    // What an invoice takes beside its packed JSON and raw block share: its facts in the array, the searched strings,
    // the default order's index and key (measured with bench/run.sh's memory phase and dotnet-gcdump).
    private const int FactsBytesPerInvoice = 240;

    private readonly SortedView?[] _orders = new SortedView?[InvoiceOrder.Count];
    private readonly InvoiceFacts[] _facts;
    private readonly byte[][] _json;
    private readonly RawBlocks _raw;

    // Only when an invoice's id is not {source}:{sourceId} (a plug-in's own ids): the source ids themselves.
    private readonly string[]? _sourceIds;
    private int[]? _bySourceId;

    public SourceSnapshot(IReadOnlyList<Invoice> invoices, IReadOnlyList<SourceNotice> notices, DateTimeOffset storedAt)
        : this(invoices, RawBlocks.Compress(invoices), notices, storedAt)
    {
    }

    /// <summary>A snapshot of invoices (their raw payloads ignored) whose raw payloads are <paramref name="raw"/>.</summary>
    private SourceSnapshot(IReadOnlyList<Invoice> invoices, RawBlocks raw, IReadOnlyList<SourceNotice> notices, DateTimeOffset storedAt)
    {
        _facts = new InvoiceFacts[invoices.Count];
        _json = new byte[invoices.Count][];
        var strings = new StringPool();
        for (var i = 0; i < invoices.Count; i++)
        {
            var invoice = ServedOverdue.ForCache(invoices[i]);
            _facts[i] = new InvoiceFacts(invoice, strings);
            _json[i] = PackedJson.Pack(CanonicalJson.Serialize(invoice))
                       ?? throw new InvalidOperationException($"The canonical JSON of invoice '{invoice.Id}' holds a raw control character.");
            if (_sourceIds is null && !HasSourceIdInId(invoice))
            {
                _sourceIds = new string[invoices.Count];
                for (var j = 0; j < invoices.Count; j++)
                {
                    _sourceIds[j] = invoices[j].SourceId;
                }
            }
        }

        _raw = raw;
        Notices = notices;
        StoredAt = storedAt;

        // What every list request reads, computed here, where the sync stores what it read, never by a request: the
        // default order with each invoice's place in it, and the filters' indexes. Lazily built, the first q= of each
        // of 1,000 snapshots built its trigram index while 64 clients waited (p99 235 ms at 1M invoices,
        // bench/results/scale-2026-12-02b.md); a 100,000-invoice source's first request sorted it for about a second.
        _ = Order(InvoiceOrder.Default).Positions;
        Index = new SnapshotIndex(_facts);
        SizeKb = Measure();
    }

    /// <summary>How many invoices the snapshot holds.</summary>
    public int Count => _facts.Length;

    /// <summary>What filters, search and sorting read of each invoice (same index as the JSON).</summary>
    public InvoiceFacts[] Facts => _facts;

    public IReadOnlyList<SourceNotice> Notices { get; }

    public int Rejected => Notices.Count(n => SourceNotice.IsRejection(n.Code));

    public long SizeKb { get; }

    /// <summary>The packed canonical JSON of the invoice at <paramref name="index"/> (see <see cref="PackedJson"/>).</summary>
    public ReadOnlySpan<byte> PackedJsonOf(int index) => _json[index];

    /// <summary>The canonical JSON of the invoice at <paramref name="index"/> as cached (not overdue, without raw).</summary>
    public byte[] JsonOf(int index) => PackedJson.Unpack(_json[index], null);

    /// <summary>The invoice at <paramref name="index"/>, without raw, as cached (read back from its JSON).</summary>
    public Invoice InvoiceAt(int index) => CanonicalJson.Deserialize(JsonOf(index));

    /// <summary>The invoice at <paramref name="index"/> with its raw payload.</summary>
    public Invoice WithRaw(int index) => RawOf(index) is { } raw ? InvoiceAt(index) with { Raw = raw } : InvoiceAt(index);

    /// <summary>The raw payload of the invoice at <paramref name="index"/>; null where the source gave none.</summary>
    public RawJson? RawOf(int index) => _raw.Get(index);

    /// <summary>The filters' indexes over this snapshot (built with it).</summary>
    public SnapshotIndex Index { get; }

    /// <summary>The index of the invoice with this source id, or -1 (a binary search over the ids, sorted on first use).</summary>
    public int IndexOf(string sourceId)
    {
        var sorted = Volatile.Read(ref _bySourceId);
        if (sorted is null)
        {
            sorted = new int[_facts.Length];
            for (var i = 0; i < sorted.Length; i++)
            {
                sorted[i] = i;
            }

            Array.Sort(sorted, (a, b) => SourceIdOf(a).SequenceCompareTo(SourceIdOf(b)));
            Volatile.Write(ref _bySourceId, sorted);
        }

        int low = 0, high = sorted.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var compared = SourceIdOf(sorted[mid]).SequenceCompareTo(sourceId);
            if (compared == 0)
            {
                return sorted[mid];
            }

            if (compared < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }

    public override string? FindImplausibility() =>
        _raw.Count != _facts.Length ? "raw payloads do not match the invoices"
        : Notices.Any(n => n is null) ? "null entries"
        : null;

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

        var facts = _facts;
        var keys = new decimal?[facts.Length];
        var indexes = new int[facts.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = i;
            keys[i] = order.KeyOf(facts[i]);
        }

        Array.Sort(indexes, (a, b) => order.Compare(keys[a], facts[a].Id, keys[b], facts[b].Id));
        var sortedKeys = new decimal?[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
        {
            sortedKeys[i] = keys[indexes[i]];
        }

        var view = new SortedView(indexes, sortedKeys);
        Volatile.Write(ref _orders[slot], view);
        return view;
    }

    /// <summary>The snapshot as Redis holds it: its invoices read back from their JSON (a write per read of the source, not per request).</summary>
    internal StoredSnapshot ToStored()
    {
        var invoices = new Invoice[_facts.Length];
        for (var i = 0; i < invoices.Length; i++)
        {
            invoices[i] = InvoiceAt(i);
        }

        return new(StoredAt, invoices, _raw.Blocks, Notices.ToArray());
    }

    internal static SourceSnapshot FromStored(StoredSnapshot stored)
    {
        // Nulls where entries belong make the copy implausible (a miss), not a crash later.
        if (stored.Invoices is null || stored.RawBlocks is null || stored.Notices is null)
        {
            throw new JsonException("A cached snapshot lacks its invoices, raw payloads or notices.");
        }

        if (stored.Invoices.Any(i => i is null) || stored.Notices.Any(n => n is null))
        {
            throw new JsonException("A cached snapshot has null entries.");
        }

        var raw = RawBlocks.Read(stored.RawBlocks, stored.Invoices.Length)
                  ?? throw new JsonException("A cached snapshot's raw payloads do not match its invoices.");
        return new SourceSnapshot(stored.Invoices, raw, stored.Notices, stored.StoredAt);
    }

    private static bool HasSourceIdInId(Invoice invoice) =>
        invoice.Id.Length == invoice.Source.Length + 1 + invoice.SourceId.Length
        && invoice.Id.IndexOf(':', StringComparison.Ordinal) == invoice.Source.Length
        && invoice.Id.AsSpan(invoice.Source.Length + 1).SequenceEqual(invoice.SourceId);

    private ReadOnlySpan<char> SourceIdOf(int index)
    {
        if (_sourceIds is not null)
        {
            return _sourceIds[index];
        }

        var id = _facts[index].Id;
        return id.AsSpan(id.IndexOf(':', StringComparison.Ordinal) + 1);
    }

    private long Measure()
    {
        long bytes = _raw.Bytes + Index.Bytes;
        for (var i = 0; i < _json.Length; i++)
        {
            bytes += _json[i].Length + FactsBytesPerInvoice;
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

/// <summary>A snapshot as Redis holds it: invoices without raw, their raw payloads in compressed blocks (base64), the notices.</summary>
internal sealed record StoredSnapshot(DateTimeOffset StoredAt, Invoice[] Invoices, byte[]?[] RawBlocks, SourceNotice[] Notices);

/// <summary>Stores a snapshot in Redis as one JSON document (see <see cref="StoredSnapshot"/>).</summary>
internal sealed class SourceSnapshotJsonConverter : JsonConverter<SourceSnapshot>
{
    public override SourceSnapshot Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SourceSnapshot.FromStored(JsonSerializer.Deserialize(ref reader, SnapshotJsonContext.Default.StoredSnapshot)
                                  ?? throw new JsonException("A cached snapshot was null."));

    public override void Write(Utf8JsonWriter writer, SourceSnapshot value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToStored(), SnapshotJsonContext.Default.StoredSnapshot);
}

/// <summary>
/// A cached detail read: the invoice's canonical bytes (what the endpoint serves, so they stay unpacked) and ETag,
/// the facts that decide its overdue days, and its compressed raw payload; or "not found". The invoice's objects are
/// read back from the bytes only for UBL and <c>include=raw</c>.
/// </summary>
[JsonConverter(typeof(InvoiceDetailJsonConverter))]
internal sealed class InvoiceDetail : CachedValue, INotFound, ISizedValue
{
    private readonly byte[]? _raw;
    private readonly SourceSnapshot? _list;
    private readonly int _index;
    private readonly InvoiceFacts _facts;
    private DayETag? _servedETag;

    public InvoiceDetail(Invoice? invoice, DateTimeOffset storedAt)
        : this(invoice is null ? null : ServedOverdue.ForCache(invoice), CompressedRaw.Compress(invoice?.Raw), storedAt)
    {
    }

    /// <summary>One invoice of a cached list (for a source without a detail endpoint); its raw payload stays in the list.</summary>
    public InvoiceDetail(SourceSnapshot snapshot, int index)
    {
        _list = snapshot;
        _index = index;
        _facts = snapshot.Facts[index];
        Json = snapshot.JsonOf(index);
        ETag = EntityTag.For(Json);
        StoredAt = snapshot.StoredAt;
    }

    private InvoiceDetail(Invoice? invoiceWithoutRaw, byte[]? raw, DateTimeOffset storedAt)
    {
        _raw = raw;
        StoredAt = storedAt;
        if (invoiceWithoutRaw is not null)
        {
            _facts = new InvoiceFacts(invoiceWithoutRaw, null);
            Json = CanonicalJson.Serialize(invoiceWithoutRaw);
            ETag = EntityTag.For(Json);
        }
    }

    /// <summary>The invoice's canonical JSON as cached (not overdue, without raw); empty when not found.</summary>
    public byte[] Json { get; } = [];

    public string ETag { get; } = string.Empty;

    public bool IsNotFound => Json.Length == 0;

    public long SizeKb => CacheEntry.DetailSizeKb;

    /// <summary>
    /// The ETag of the bytes served on <paramref name="today"/> (<see cref="ServedOverdue"/>): <see cref="ETag"/> unless the
    /// invoice is overdue then. The overdue one is hashed once per day, not per request (kept for the last day asked).
    /// </summary>
    public string ETagOn(DateOnly today)
    {
        if (DaysOverdueOn(today) is not { } days)
        {
            return ETag;
        }

        if (Volatile.Read(ref _servedETag) is { } served && served.Day == today)
        {
            return served.ETag;
        }

        var body = ServedOverdue.PatchToArray(days, Json);
        var etag = EntityTag.For(body);
        Volatile.Write(ref _servedETag, new DayETag(today, etag));
        return etag;
    }

    /// <summary>Whole days overdue on <paramref name="today"/>, or <c>null</c>.</summary>
    public int? DaysOverdueOn(DateOnly today) => IsNotFound ? null : _facts.DaysOverdueOn(today);

    /// <summary>The invoice without raw (read back from its JSON); <see langword="null"/> when the source has no such invoice.</summary>
    public Invoice? ReadInvoice() => IsNotFound ? null : CanonicalJson.Deserialize(Json);

    /// <summary>The invoice with its raw payload.</summary>
    public Invoice? ReadInvoiceWithRaw() => ReadInvoice() is { } invoice && RawPayload() is { } raw ? invoice with { Raw = raw } : ReadInvoice();

    public override string? FindImplausibility() => null;

    internal StoredDetail ToStored() => new(StoredAt, ReadInvoice(), _raw ?? CompressedRaw.Compress(_list?.RawOf(_index)));

    internal static InvoiceDetail FromStored(StoredDetail stored) => new(stored.Invoice, stored.Raw, stored.StoredAt);

    private RawJson? RawPayload() => _list is not null ? _list.RawOf(_index) : _raw is null ? null : CompressedRaw.DecompressRaw(_raw);
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

    public static byte[]? Compress(RawJson? raw) => raw is { } payload ? Compress(payload.Utf8.Span) : null;

    public static byte[] Compress(JsonElement element) => Compress(JsonMarshal.GetRawUtf8Value(element));

    private static byte[] Compress(ReadOnlySpan<byte> utf8)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(utf8.Length)];
        if (!BrotliEncoder.TryCompress(utf8, buffer, out var written, Quality, Window))
        {
            throw new InvalidOperationException("A raw payload could not be compressed.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>A payload compressed by <see cref="Compress(RawJson?)"/>, as its bytes.</summary>
    public static RawJson DecompressRaw(byte[] compressed)
    {
        using var input = new MemoryStream(compressed, writable: false);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        brotli.CopyTo(output);
        return RawJson.Parse(output.ToArray());
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
