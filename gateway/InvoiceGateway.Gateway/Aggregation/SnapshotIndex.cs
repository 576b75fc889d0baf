using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// Inverted indexes over one snapshot, so that a selective filter visits its candidates instead of scanning every
/// invoice: per <c>status</c> value the invoices that have it, per day the overdue ones, and for <c>q=</c> a trigram
/// index over the searched fields (number, issuer and recipient names, payment reference). Each index gives a
/// superset of the matches (sorted invoice indexes); <see cref="InvoiceQuery.Matches"/> still decides every one.
/// Built on first use by a query that needs it, then shared by every request for the snapshot's life.
/// </summary>
internal sealed class SnapshotIndex(InvoiceFacts[] invoices)
{
    private Dictionary<InvoiceStatus, int[]>? _byStatus;
    private Dictionary<long, int[]>? _byTrigram;
    private OverdueDay? _overdue;

    /// <summary>
    /// The invoices (sorted indexes) that can match <paramref name="query"/>'s indexed filters, or <c>null</c> when
    /// it has none (the caller scans).
    /// </summary>
    public int[]? Candidates(InvoiceQuery query)
    {
        int[]? candidates = null;
        if (query.Statuses is { } statuses)
        {
            var byStatus = ByStatus();
            candidates = statuses.Count == 1
                ? byStatus.GetValueOrDefault(statuses.First(), [])
                : Union(statuses.Select(s => byStatus.GetValueOrDefault(s, [])));
        }

        if (query.Overdue == true)
        {
            candidates = Intersect(candidates, OverdueOn(query.Today));
        }

        if (query.Text is { Length: >= 3 } text && TextCandidates(text) is { } matching)
        {
            candidates = Intersect(candidates, matching);
        }

        return candidates;
    }

    private Dictionary<InvoiceStatus, int[]> ByStatus()
    {
        if (Volatile.Read(ref _byStatus) is { } built)
        {
            return built;
        }

        var lists = new Dictionary<InvoiceStatus, List<int>>();
        for (var i = 0; i < invoices.Length; i++)
        {
            if (!lists.TryGetValue(invoices[i].Status, out var list))
            {
                lists[invoices[i].Status] = list = [];
            }

            list.Add(i);
        }

        built = lists.ToDictionary(p => p.Key, p => p.Value.ToArray());
        Volatile.Write(ref _byStatus, built);
        return built;
    }

    private int[] OverdueOn(DateOnly today)
    {
        // Overdue changes with the day only; one day's list is kept.
        if (Volatile.Read(ref _overdue) is { } cached && cached.Day == today)
        {
            return cached.Indexes;
        }

        var list = new List<int>();
        for (var i = 0; i < invoices.Length; i++)
        {
            if (invoices[i].DaysOverdueOn(today).HasValue)
            {
                list.Add(i);
            }
        }

        var indexes = list.ToArray();
        Volatile.Write(ref _overdue, new OverdueDay(today, indexes));
        return indexes;
    }

    /// <summary>The invoices whose searched fields hold every trigram of <paramref name="text"/>; <c>null</c> to scan instead.</summary>
    private int[]? TextCandidates(string text)
    {
        // OrdinalIgnoreCase compares char by char upper-cased, which is how both sides are folded here; a surrogate
        // pair folds as a whole, so text with one is left to the scan.
        if (text.Any(char.IsSurrogate))
        {
            return null;
        }

        var byTrigram = ByTrigram();
        var wanted = new HashSet<long>();
        for (var i = 0; i + 3 <= text.Length; i++)
        {
            wanted.Add(Trigram(text, i));
        }

        int[]? result = null;
        foreach (var lists in wanted.Select(t => byTrigram.GetValueOrDefault(t, [])).OrderBy(l => l.Length))
        {
            result = Intersect(result, lists);
            if (result.Length == 0)
            {
                break;
            }
        }

        return result;
    }

    private Dictionary<long, int[]> ByTrigram()
    {
        if (Volatile.Read(ref _byTrigram) is { } built)
        {
            return built;
        }

        var lists = new Dictionary<long, List<int>>();
        var seen = new HashSet<long>();
        for (var i = 0; i < invoices.Length; i++)
        {
            ref readonly var invoice = ref invoices[i];
            seen.Clear();
            Add(invoice.Number);
            Add(invoice.IssuerName);
            Add(invoice.RecipientName);
            Add(invoice.PaymentReference);
            foreach (var trigram in seen)
            {
                if (!lists.TryGetValue(trigram, out var list))
                {
                    lists[trigram] = list = [];
                }

                list.Add(i);
            }
        }

        built = lists.ToDictionary(p => p.Key, p => p.Value.ToArray());
        Volatile.Write(ref _byTrigram, built);
        return built;

        void Add(string? field)
        {
            for (var j = 0; field is not null && j + 3 <= field.Length; j++)
            {
                seen.Add(Trigram(field, j));
            }
        }
    }

    private static long Trigram(string text, int at) =>
        ((long)char.ToUpperInvariant(text[at]) << 32) | ((long)char.ToUpperInvariant(text[at + 1]) << 16) | char.ToUpperInvariant(text[at + 2]);

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
