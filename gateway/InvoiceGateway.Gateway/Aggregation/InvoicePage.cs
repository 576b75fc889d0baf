namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// One page of the merged list: each source's snapshot is already sorted (once, and cached), so a
/// page is a lazy k-way merge that starts after the cursor (binary search per source) and stops
/// after <c>limit + 1</c> matches, instead of filtering and sorting every invoice per request. A selective
/// <c>status</c>, <c>overdue=true</c> or <c>q</c> filter merges only its candidates from the snapshot's
/// <see cref="SnapshotIndex"/> (their positions in the order, sorted), so a filter that matches few invoices does not
/// visit all the others.
/// </summary>
internal readonly record struct PageItem(SourceSnapshot Snapshot, int Index);

internal sealed class InvoicePage
{
    private InvoicePage(List<PageItem> items, InvoiceCursor? next)
    {
        Items = items;
        Next = next;
    }

    public List<PageItem> Items { get; }

    public InvoiceCursor? Next { get; }

    /// <summary>About how many sorted candidate positions cost as much as testing one invoice in a scan.</summary>
    private const double PositionsPerTest = 10;

    public static InvoicePage Build(IEnumerable<SourceSnapshot> snapshots, InvoiceQuery query)
    {
        var order = query.Order;
        var heads = new List<Head>();
        foreach (var snapshot in snapshots)
        {
            var view = snapshot.Order(order);
            var start = query.After is { } after ? FirstAfter(snapshot, view, order, after) : 0;
            if (start >= view.Indexes.Length)
            {
                continue;
            }

            // Sorting k candidates' positions costs about k log k per request; a scan finds limit + 1 of them after testing
            // about (limit + 1) n / k invoices. A dense filter finds its page within the first positions anyway.
            if (snapshot.Index.Candidates(query) is { } candidates && Selective(candidates.Length, view.Indexes.Length - start, query.Limit))
            {
                var positions = new int[candidates.Length];
                var rank = view.Positions;
                for (var i = 0; i < candidates.Length; i++)
                {
                    positions[i] = rank[candidates[i]];
                }

                Array.Sort(positions);
                var first = Array.BinarySearch(positions, start);
                first = first < 0 ? ~first : first;
                if (first < positions.Length)
                {
                    heads.Add(new Head(snapshot, view, positions, first));
                }
            }
            else
            {
                heads.Add(new Head(snapshot, view, null, start));
            }
        }

        var items = new List<PageItem>(Math.Min(query.Limit, 512));
        InvoiceCursor? next = null;
        while (heads.Count > 0)
        {
            var best = 0;
            for (var h = 1; h < heads.Count; h++)
            {
                var head = heads[h];
                var leader = heads[best];
                if (order.Compare(head.Key, head.Current.Id, leader.Key, leader.Current.Id) < 0)
                {
                    best = h;
                }
            }

            var chosen = heads[best];
            var item = new PageItem(chosen.Snapshot, chosen.Index);
            var matches = query.Matches(chosen.Current);
            if (!chosen.Advance())
            {
                heads.RemoveAt(best);
            }

            if (!matches)
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                ref readonly var last = ref items[^1].Snapshot.Facts[items[^1].Index];
                next = new InvoiceCursor(order.Name, InvoiceOrder.FormatKey(order.KeyOf(last)), last.Id, query.Fingerprint);
                break;
            }

            items.Add(item);
        }

        return new InvoicePage(items, next);
    }

    private static bool Selective(int candidates, int remaining, int limit) =>
        candidates * Math.Log2(candidates + 2) < PositionsPerTest * (limit + 1) * ((double)remaining / Math.Max(candidates, 1));

    private static int FirstAfter(SourceSnapshot snapshot, SortedView view, InvoiceOrder order, InvoiceCursor after)
    {
        var key = after.KeyValue;
        int low = 0, high = view.Indexes.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (order.Compare(view.Keys[mid], snapshot.Facts[view.Indexes[mid]].Id, key, after.Id) <= 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>
    /// A source's place in the merge: the invoice at <see cref="Position"/> of its sorted view, stepping through every
    /// position, or only through <paramref name="candidates"/> (sorted positions) when given.
    /// </summary>
    private sealed class Head(SourceSnapshot snapshot, SortedView view, int[]? candidates, int step)
    {
        private int _step = step;

        public SourceSnapshot Snapshot { get; } = snapshot;

        public int Position => candidates is null ? _step : candidates[_step];

        public int Index => view.Indexes[Position];

        public decimal? Key => view.Keys[Position];

        public ref readonly InvoiceFacts Current => ref Snapshot.Facts[view.Indexes[Position]];

        public bool Advance() => ++_step < (candidates?.Length ?? view.Indexes.Length);
    }
}
