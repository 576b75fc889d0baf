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
            var indexes = snapshot.Order(order);
            var start = query.After is { } after ? FirstAfter(snapshot, indexes, order, after) : 0;
            if (start < indexes.Length)
            {
                heads.Add(new Head(snapshot, indexes, start));
            }
        }

        var items = new List<PageItem>(Math.Min(query.Limit, 512));
        InvoiceCursor? next = null;
        while (heads.Count > 0)
        {
            var best = 0;
            for (var h = 1; h < heads.Count; h++)
            {
                if (order.Compare(heads[h].Current, heads[best].Current) < 0)
                {
                    best = h;
                }
            }

            var head = heads[best];
            var invoice = head.Current;
            var item = new PageItem(head.Snapshot, head.Indexes[head.Position]);
            if (!head.Advance())
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

    private static int FirstAfter(SourceSnapshot snapshot, int[] indexes, InvoiceOrder order, InvoiceCursor after)
    {
        var key = after.KeyValue;
        int low = 0, high = indexes.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            var invoice = snapshot.Invoices[indexes[mid]];
            if (order.Compare(order.KeyOf(invoice), invoice.Id, key, after.Id) <= 0)
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

    private sealed class Head(SourceSnapshot snapshot, int[] indexes, int position)
    {
        public SourceSnapshot Snapshot { get; } = snapshot;

        public int[] Indexes { get; } = indexes;

        public int Position { get; private set; } = position;

        public Contracts.Invoice Current => Snapshot.Invoices[Indexes[Position]];

        public bool Advance() => ++Position < Indexes.Length;
    }
}
