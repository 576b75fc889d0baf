namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// One page of the merged list: each source's snapshot is already sorted (once, and cached), so a
/// page is a lazy k-way merge that starts after the cursor (binary search per source) and stops
/// after <c>limit + 1</c> matches, instead of filtering and sorting every invoice per request.
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

    public static InvoicePage Build(IEnumerable<SourceSnapshot> snapshots, InvoiceQuery query)
    {
        var order = query.Order;
        var heads = new List<Head>();
        foreach (var snapshot in snapshots)
        {
            var view = snapshot.Order(order);
            var start = query.After is { } after ? FirstAfter(snapshot, view, order, after) : 0;
            if (start < view.Indexes.Length)
            {
                heads.Add(new Head(snapshot, view, start));
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
            var invoice = chosen.Current;
            var item = new PageItem(chosen.Snapshot, chosen.Index);
            if (!chosen.Advance())
            {
                heads.RemoveAt(best);
            }

            if (!query.Matches(invoice))
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                var last = items[^1].Snapshot.Invoices[items[^1].Index];
                next = new InvoiceCursor(order.Name, InvoiceOrder.FormatKey(order.KeyOf(last)), last.Id, query.Fingerprint);
                break;
            }

            items.Add(item);
        }

        return new InvoicePage(items, next);
    }

    private static int FirstAfter(SourceSnapshot snapshot, SortedView view, InvoiceOrder order, InvoiceCursor after)
    {
        var key = after.KeyValue;
        int low = 0, high = view.Indexes.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (order.Compare(view.Keys[mid], snapshot.Invoices[view.Indexes[mid]].Id, key, after.Id) <= 0)
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

    /// <summary>A source's position in the merge: the invoice at <see cref="Position"/> of its sorted view.</summary>
    private sealed class Head(SourceSnapshot snapshot, SortedView view, int position)
    {
        public SourceSnapshot Snapshot { get; } = snapshot;

        public int Position { get; private set; } = position;

        public int Index => view.Indexes[Position];

        public decimal? Key => view.Keys[Position];

        public Contracts.Invoice Current => Snapshot.Invoices[view.Indexes[Position]];

        public bool Advance() => ++Position < view.Indexes.Length;
    }
}
