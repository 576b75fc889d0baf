using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// Inverted indexes over one snapshot, so that a selective filter visits its candidates instead of scanning every
/// invoice: per <c>status</c> value the invoices that have it, the invoices that can ever be overdue (each day's overdue
/// list is picked from them), and for <c>q=</c> a trigram index over the searched fields (number, issuer and recipient
/// names, payment reference). Each index gives a superset of the matches (sorted invoice indexes);
/// <see cref="InvoiceQuery.Matches"/> still decides every one.
/// Built with the snapshot, where the sync stores what it read, never by a request: at 1,000 snapshots the first text
/// query of each built its trigram index on the request path (p99 235 ms at 1M invoices, bench/results/scale-1m.md).
/// </summary>
internal sealed class SnapshotIndex
{
    private readonly InvoiceFacts[] _invoices;
    private readonly Dictionary<InvoiceStatus, int[]> _byStatus;
    private readonly int[] _canBeOverdue;
    private readonly TrigramIndex _text;
    private OverdueDay? _overdue;

    public SnapshotIndex(InvoiceFacts[] invoices)
    {
        _invoices = invoices;
        var byStatus = new Dictionary<InvoiceStatus, List<int>>();
        var canBeOverdue = new List<int>();
        for (var i = 0; i < invoices.Length; i++)
        {
            if (!byStatus.TryGetValue(invoices[i].Status, out var list))
            {
                byStatus[invoices[i].Status] = list = [];
            }

            list.Add(i);
            if (invoices[i].DaysOverdueOn(DateOnly.MaxValue).HasValue)
            {
                canBeOverdue.Add(i);
            }
        }

        _byStatus = byStatus.ToDictionary(p => p.Key, p => p.Value.ToArray());
        _canBeOverdue = canBeOverdue.ToArray();
        _text = new TrigramIndex(invoices);
    }

    /// <summary>Bytes the indexes hold (the sizes of their arrays), for the cache's accounting and the benchmarks.</summary>
    public long Bytes => (4L * _invoices.Length) + (4L * _canBeOverdue.Length) + _text.Bytes;

    /// <summary>
    /// The invoices (sorted indexes) that can match <paramref name="query"/>'s indexed filters, or <c>null</c> when
    /// it has none (the caller scans).
    /// </summary>
    public int[]? Candidates(InvoiceQuery query)
    {
        int[]? candidates = null;
        if (query.Statuses is { } statuses)
        {
            candidates = statuses.Count == 1
                ? _byStatus.GetValueOrDefault(statuses.First(), [])
                : Union(statuses.Select(s => _byStatus.GetValueOrDefault(s, [])));
        }

        if (query.Overdue == true)
        {
            candidates = Intersect(candidates, OverdueOn(query.Today));
        }

        // OrdinalIgnoreCase compares char by char upper-cased, which is how both sides are folded here; a surrogate
        // pair folds as a whole, so text with one is left to the scan.
        if (query.Text is { Length: >= 3 } text && !text.Any(char.IsSurrogate))
        {
            candidates = Intersect(candidates, _text.Candidates(text));
        }

        return candidates;
    }

    private int[] OverdueOn(DateOnly today)
    {
        // Overdue changes with the day only; one day's list is kept, picked from the invoices that can be overdue at all
        // (one comparison each: the first overdue=true of a day costs about as much as a page).
        if (Volatile.Read(ref _overdue) is { } cached && cached.Day == today)
        {
            return cached.Indexes;
        }

        var list = new List<int>(_canBeOverdue.Length);
        foreach (var i in _canBeOverdue)
        {
            if (_invoices[i].DaysOverdueOn(today).HasValue)
            {
                list.Add(i);
            }
        }

        var indexes = list.ToArray();
        Volatile.Write(ref _overdue, new OverdueDay(today, indexes));
        return indexes;
    }

    /// <summary>Both sorted; <c>null</c> stands for "every invoice".</summary>
    private static int[] Intersect(int[]? a, int[] b)
    {
        if (a is null)
        {
            return b;
        }

        var result = new List<int>(Math.Min(a.Length, b.Length));
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                result.Add(a[i]);
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result.ToArray();
    }

    private sealed record OverdueDay(DateOnly Day, int[] Indexes);

    private static int[] Union(IEnumerable<int[]> lists)
    {
        var all = lists.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return all;
    }
}

/// <summary>
/// Which invoices of a snapshot hold each trigram (three chars, upper-cased) of their searched fields, compactly: the
/// distinct trigrams sorted in one <c>long[]</c>, and each one's invoices as a count followed by the gaps between
/// their indexes, LEB128 varints in one shared <c>byte[]</c> (a gap between invoices of one snapshot is mostly one
/// byte). About a third of the bytes of a dictionary of <c>int[]</c> lists (bench/results/scale-2026-12-02b.md), and
/// two arrays of primitives instead of thousands of objects for the collector to trace. Written by hand: the
/// maintained full-text libraries (Lucene.NET) are whole search engines with their own storage, not an in-memory
/// posting list over a snapshot.
/// </summary>
internal sealed class TrigramIndex
{
    // Lists longer than this many times the candidates found so far are not read: testing the candidates costs less.
    private const int SkipFactor = 16;

    private readonly long[] _trigrams;
    private readonly int[] _starts;
    private readonly byte[] _postings;

    public TrigramIndex(InvoiceFacts[] invoices)
    {
        // Pass 1: each invoice's distinct trigrams, numbered in order of first appearance.
        var ids = new Dictionary<long, int>();
        var counts = new List<int>();
        var pairs = new List<int>(invoices.Length * 32); // trigram ids, invoice after invoice
        var bounds = new int[invoices.Length + 1];
        var own = new List<long>(64);
        for (var i = 0; i < invoices.Length; i++)
        {
            ref readonly var invoice = ref invoices[i];
            own.Clear();
            Add(own, invoice.Number);
            Add(own, invoice.IssuerName);
            Add(own, invoice.RecipientName);
            Add(own, invoice.PaymentReference);
            own.Sort();
            for (var k = 0; k < own.Count; k++)
            {
                if (k > 0 && own[k] == own[k - 1])
                {
                    continue;
                }

                if (!ids.TryGetValue(own[k], out var id))
                {
                    ids[own[k]] = id = counts.Count;
                    counts.Add(0);
                }

                counts[id]++;
                pairs.Add(id);
            }

            bounds[i + 1] = pairs.Count;
        }

        // Pass 2: the trigrams sorted, and each one's invoices (ascending, as visited) delta-encoded.
        _trigrams = new long[ids.Count];
        var byId = new int[ids.Count];
        foreach (var (trigram, id) in ids)
        {
            _trigrams[id] = trigram;
        }

        var order = new int[ids.Count];
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }

        Array.Sort(_trigrams, order); // order[rank]: the id of the rank-th trigram
        for (var rank = 0; rank < order.Length; rank++)
        {
            byId[order[rank]] = rank;
        }

        // Where each list's gaps go in a scratch int[] (counting sort by rank), then encoded.
        var offsets = new int[ids.Count + 1];
        for (var rank = 0; rank < order.Length; rank++)
        {
            offsets[rank + 1] = offsets[rank] + counts[order[rank]];
        }

        var flat = new int[pairs.Count];
        var fill = (int[])offsets.Clone();
        for (var i = 0; i < invoices.Length; i++)
        {
            for (var p = bounds[i]; p < bounds[i + 1]; p++)
            {
                flat[fill[byId[pairs[p]]]++] = i;
            }
        }

        var bytes = new List<byte>(pairs.Count + (ids.Count * 2));
        _starts = new int[ids.Count];
        for (var rank = 0; rank < order.Length; rank++)
        {
            _starts[rank] = bytes.Count;
            WriteVarint(bytes, offsets[rank + 1] - offsets[rank]);
            var previous = -1;
            for (var p = offsets[rank]; p < offsets[rank + 1]; p++)
            {
                WriteVarint(bytes, flat[p] - previous);
                previous = flat[p];
            }
        }

        _postings = bytes.ToArray();

        static void Add(List<long> into, string? field)
        {
            for (var j = 0; field is not null && j + 3 <= field.Length; j++)
            {
                into.Add(Trigram(field, j));
            }
        }
    }

    /// <summary>Bytes held by the index's arrays.</summary>
    public long Bytes => (8L * _trigrams.Length) + (4L * _starts.Length) + _postings.Length;

    /// <summary>
    /// The invoices (sorted indexes) whose searched fields hold every trigram of <paramref name="text"/> (at least
    /// three chars, no surrogates), or a superset of them: lists far longer than the candidates already found are not read.
    /// </summary>
    public int[] Candidates(string text)
    {
        var wanted = new List<(int Count, int At)>(text.Length);
        for (var i = 0; i + 3 <= text.Length; i++)
        {
            var rank = Array.BinarySearch(_trigrams, Trigram(text, i));
            if (rank < 0)
            {
                return []; // a trigram no invoice has
            }

            var at = _starts[rank];
            var count = ReadVarint(_postings, ref at);
            if (!wanted.Contains((count, at)))
            {
                wanted.Add((count, at));
            }
        }

        wanted.Sort();
        var result = Decode(wanted[0].Count, wanted[0].At);
        var length = result.Length;
        for (var w = 1; w < wanted.Count && length > 0 && wanted[w].Count <= (long)length * SkipFactor; w++)
        {
            length = IntersectInPlace(result, length, wanted[w].Count, wanted[w].At);
        }

        return length == result.Length ? result : result[..length];
    }

    private int[] Decode(int count, int at)
    {
        var list = new int[count];
        var value = -1;
        for (var k = 0; k < count; k++)
        {
            value += ReadVarint(_postings, ref at);
            list[k] = value;
        }

        return list;
    }

    /// <summary>Keeps in <paramref name="result"/>'s first <paramref name="length"/> entries those also in the list at <paramref name="at"/>.</summary>
    private int IntersectInPlace(int[] result, int length, int count, int at)
    {
        int kept = 0, i = 0, value = -1;
        for (var k = 0; k < count && i < length; k++)
        {
            value += ReadVarint(_postings, ref at);
            while (i < length && result[i] < value)
            {
                i++;
            }

            if (i < length && result[i] == value)
            {
                result[kept++] = value;
                i++;
            }
        }

        return kept;
    }

    private static long Trigram(string text, int at) =>
        ((long)char.ToUpperInvariant(text[at]) << 32) | ((long)char.ToUpperInvariant(text[at + 1]) << 16) | char.ToUpperInvariant(text[at + 2]);

    private static void WriteVarint(List<byte> into, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            into.Add((byte)(v | 0x80));
            v >>= 7;
        }

        into.Add((byte)v);
    }

    private static int ReadVarint(byte[] bytes, ref int at)
    {
        int value = 0, shift = 0;
        byte b;
        do
        {
            b = bytes[at++];
            value |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        return value;
    }
}
