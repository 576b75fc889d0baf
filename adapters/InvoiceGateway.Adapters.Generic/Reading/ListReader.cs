using System.Globalization;
using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Reading;

/// <summary>
/// Follows a list's paging to the end and returns its pages in order. With a total in the body the page
/// count is known after the first page, so the rest are fetched at once (a few at a time); the other
/// kinds only learn of the next page from the previous one and go one by one.
/// </summary>
internal sealed class ListReader(ListRequest list, UpstreamClient client, UpstreamLimits limits, ReadSettings settings)
{
    private readonly int _pageSize = settings.PageSize;

    private Paging Paging => list.Paging;

    /// <summary>Reads every page; the caller disposes them.</summary>
    public async Task<List<JsonPage>> ReadAsync(CancellationToken cancellationToken)
    {
        var pages = new List<JsonPage>();
        try
        {
            switch (Paging.Kind)
            {
                case PagingKind.Page when Paging.Stop == PageStop.Total:
                    await ReadByTotalAsync(pages, cancellationToken);
                    break;
                case PagingKind.Page:
                    await ReadUntilShortOrEmptyAsync(pages, cancellationToken);
                    break;
                case PagingKind.LinkHeader:
                case PagingKind.NextUrl:
                    await ReadByNextLinkAsync(pages, cancellationToken);
                    break;
                case PagingKind.Cursor:
                    await ReadByCursorAsync(pages, cancellationToken);
                    break;
                default:
                    pages.Add(await client.GetAsync(UpstreamClient.Relative(list.Path, list.Query), cancellationToken));
                    break;
            }

            return pages;
        }
        catch
        {
            foreach (var page in pages)
            {
                page.Dispose();
            }

            throw;
        }
    }

    /// <summary>The array of invoices in a page, or a payload error naming where it was expected.</summary>
    public JsonElement Items(JsonPage page)
    {
        var root = page.Document.RootElement;
        var found = list.Items.IsRoot ? root : list.Items.TryGet(root, out var items) ? items : default;
        if (found.ValueKind != JsonValueKind.Array)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload, list.Items.IsRoot
                ? $"Source '{client.SourceName}' sent {UpstreamJson.Describe(found.ValueKind)} where an array of invoices was expected."
                : $"Source '{client.SourceName}' sent a list whose '{list.Items.Text}' is {UpstreamJson.Describe(found.ValueKind)}; an array of invoices was expected.");
        }

        return found;
    }

    private Task<JsonPage> FetchPageAsync(int page, CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>(list.Query)
        {
            new(Paging.PageParam!, page.ToString(CultureInfo.InvariantCulture)),
        };
        AddSize(query);
        return client.GetAsync(UpstreamClient.Relative(list.Path, query), cancellationToken);
    }

    private Task<JsonPage> FetchFirstAsync(CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>(list.Query);
        if (Paging.PageParam is { } pageParam)
        {
            query.Add(new(pageParam, Paging.StartPage.ToString(CultureInfo.InvariantCulture)));
        }

        AddSize(query);
        return client.GetAsync(UpstreamClient.Relative(list.Path, query), cancellationToken);
    }

    private void AddSize(List<KeyValuePair<string, string>> query)
    {
        if (Paging.SizeParam is { } sizeParam)
        {
            query.Add(new(sizeParam, _pageSize.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private async Task ReadByTotalAsync(List<JsonPage> pages, CancellationToken cancellationToken)
    {
        var first = await FetchPageAsync(Paging.StartPage, cancellationToken);
        pages.Add(first);
        var count = Items(first).GetArrayLength();
        var root = first.Document.RootElement;
        if (!Paging.TotalPath!.TryGet(root, out var totalValue) || !TryReadNumber(totalValue, out var total))
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{client.SourceName}' sent a list without a number at '{Paging.TotalPath.Text}' (the total).");
        }

        // An upstream may cap the page size below what was asked: the first page tells the real one.
        var size = count > 0 ? count : _pageSize;
        var pageCount = Paging.TotalCountsPages ? total : Math.Ceiling(total / size);
        if (count == 0 || pageCount <= 1)
        {
            return;
        }

        if (pageCount > limits.MaxPages)
        {
            throw new UpstreamException(UpstreamErrorCodes.LimitExceeded,
                $"Source '{client.SourceName}' reports {pageCount} pages; more than the limit of {limits.MaxPages}.");
        }

        var rest = new JsonPage?[(int)pageCount - 1];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, rest.Length),
                new ParallelOptions { MaxDegreeOfParallelism = settings.PageConcurrency, CancellationToken = cancellationToken },
                async (index, token) => rest[index] = await FetchPageAsync(Paging.StartPage + 1 + index, token));
        }
        finally
        {
            pages.AddRange(rest.OfType<JsonPage>());
        }
    }

    private async Task ReadUntilShortOrEmptyAsync(List<JsonPage> pages, CancellationToken cancellationToken)
    {
        var page = Paging.StartPage;
        while (true)
        {
            var current = await FetchPageAsync(page, cancellationToken);
            pages.Add(current);
            var count = Items(current).GetArrayLength();
            if (count == 0 || (Paging.Stop == PageStop.ShortPage && count < _pageSize))
            {
                return;
            }

            CheckPageLimit(pages.Count);
            page++;
        }
    }

    private async Task ReadByNextLinkAsync(List<JsonPage> pages, CancellationToken cancellationToken)
    {
        var seen = new HashSet<Uri>();
        var current = await FetchFirstAsync(cancellationToken);
        pages.Add(current);
        seen.Add(current.Request);
        while (NextLink(current) is { } next)
        {
            var uri = client.NextPage(current.Request, next);
            if (!seen.Add(uri))
            {
                return;
            }

            CheckPageLimit(pages.Count);
            current = await client.GetAsync(uri, cancellationToken);
            pages.Add(current);
        }
    }

    private string? NextLink(JsonPage page)
    {
        if (Paging.Kind == PagingKind.LinkHeader)
        {
            return string.IsNullOrWhiteSpace(page.LinkNext) ? null : page.LinkNext;
        }

        return Paging.NextPath!.TryGet(page.Document.RootElement, out var value)
               && value.ValueKind == JsonValueKind.String
               && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;
    }

    private async Task ReadByCursorAsync(List<JsonPage> pages, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = await FetchFirstAsync(cancellationToken);
        pages.Add(current);
        while (true)
        {
            var root = current.Document.RootElement;
            if (Items(current).GetArrayLength() == 0 || HasNoMore(root))
            {
                return;
            }

            if (!Paging.CursorPath!.TryGet(root, out var cursorValue)
                || PathChoice.ScalarText(cursorValue) is not { } cursor
                || string.IsNullOrWhiteSpace(cursor)
                || !seen.Add(cursor))
            {
                return;
            }

            CheckPageLimit(pages.Count);
            var query = new List<KeyValuePair<string, string>>(list.Query) { new(Paging.CursorParam!, cursor) };
            AddSize(query);
            current = await client.GetAsync(UpstreamClient.Relative(list.Path, query), cancellationToken);
            pages.Add(current);
        }
    }

    private bool HasNoMore(JsonElement root) =>
        Paging.HasMorePath is { } path
        && (!path.TryGet(root, out var more)
            || more.ValueKind == JsonValueKind.False
            || (more.ValueKind == JsonValueKind.String && string.Equals(more.GetString(), "false", StringComparison.OrdinalIgnoreCase)));

    private void CheckPageLimit(int fetched)
    {
        if (fetched >= limits.MaxPages)
        {
            throw new UpstreamException(UpstreamErrorCodes.LimitExceeded,
                $"Source '{client.SourceName}' has more than {limits.MaxPages} pages; the limit was reached.");
        }
    }

    private static bool TryReadNumber(JsonElement value, out decimal number)
    {
        number = 0;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out number))
        {
            return number >= 0;
        }

        return value.ValueKind == JsonValueKind.String
               && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out number)
               && number >= 0;
    }
}
