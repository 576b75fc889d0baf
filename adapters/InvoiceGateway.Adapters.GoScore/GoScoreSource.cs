using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using InvoiceGateway.Adapters.GoScore.Mapping;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore;

/// <summary>
/// Reads one consent's invoices page by page. GoScore sends no paging metadata, so the last page is
/// the first one shorter than <c>per_page</c>; it has no detail endpoint, so one invoice is found in the list.
/// </summary>
internal sealed class GoScoreSource(
    SourceDescriptor source, GoScoreOptions options, HttpClient http, string defaultCurrency, InvoiceDirection direction)
    : IInvoiceSource
{
    /// <summary>The most pages requested at once (after the first two, which go one at a time).</summary>
    internal const int MaxPagesAhead = 8;

    private readonly GoScoreNormalizer _normalizer =
        new(new SourceSettings(source, InvoiceRules.Currency(null, source, defaultCurrency), direction));

    public async Task<SourceListing> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new InvoiceEntries(source.Name, source.Limits);
        await foreach (var page in ReadPagesAsync(entries.Notice, cancellationToken).ConfigureAwait(false))
        {
            entries.AddAll(page, _normalizer.Normalize);
        }

        return entries.ToListing();
    }

    public bool ReadsDetailsFromList => true;

    public async Task<Invoice?> GetAsync(string sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        if (string.IsNullOrWhiteSpace(sourceId))
        {
            return null;
        }

        await foreach (var page in ReadPagesAsync(static _ => { }, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in page.EnumerateArray())
            {
                if (HasId(entry, sourceId))
                {
                    return NormalizeOne(entry);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Yields each page's <c>invoices</c> array, valid until the next page is requested. Stops at a page
    /// shorter (or longer) than <c>per_page</c>, at a page that repeats the previous one and at
    /// <see cref="UpstreamLimits.MaxPages"/>.
    /// </summary>
    /// <remarks>
    /// GoScore tells no total, so the end is only known from a short page. Pages 1 and 2 are asked one at a
    /// time (a list of one or two pages costs no extra request); after that, pages are requested ahead of the
    /// one being read, 2, then 4, then <see cref="MaxPagesAhead"/> in flight, and still read in order. Pages asked
    /// beyond the end (at most <see cref="MaxPagesAhead"/> - 1, answered empty) are cancelled or discarded.
    /// </remarks>
    private async IAsyncEnumerable<JsonElement> ReadPagesAsync(
        Action<SourceNotice> notice, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var consent = Uri.EscapeDataString(options.ConsentId);
        var incompleteNoticed = false;
        string? previousFirst = null;
        var requested = 0;
        var pending = new Queue<Task<JsonDocument>>();
        using var ahead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            for (var page = 1; ; page++)
            {
                if (page > source.Limits.MaxPages)
                {
                    notice(new SourceNotice(SourceNotice.Incomplete,
                        $"Source '{source.Name}' has more than {source.Limits.MaxPages} pages; only those were read."));
                    yield break;
                }

                // Full pages read so far: page - 1. Keep 1, 1, 2, 4, 8, ... pages in flight.
                var inFlight = page <= 2 ? 1 : Math.Min(1 << (page - 2), MaxPagesAhead);
                while (requested < Math.Min(page - 1 + inFlight, source.Limits.MaxPages))
                {
                    requested++;
                    pending.Enqueue(FetchPageAsync(
                        string.Create(CultureInfo.InvariantCulture, $"invoices/{consent}?page={requested}&per_page={options.PageSize}"),
                        ahead.Token));
                }

                using var document = await pending.Dequeue().ConfigureAwait(false);
                var root = document.RootElement;
                var collecting = CheckStatus(root);
                if (collecting && !incompleteNoticed)
                {
                    incompleteNoticed = true;
                    notice(new SourceNotice(SourceNotice.Incomplete,
                        $"Source '{source.Name}' is still collecting the consent's invoices; those collected so far were served."));
                }

                if (collecting && (!root.TryGetProperty("invoices", out var pendingInvoices) || pendingInvoices.ValueKind == JsonValueKind.Null))
                {
                    // Nothing collected yet.
                    yield break;
                }

                var invoices = UpstreamJson.Require(source.Name, root, "invoices", JsonValueKind.Array);
                var first = FirstId(invoices);
                if (page > 1 && first is not null && first == previousFirst)
                {
                    // The upstream ignores `page` and sends the same page again: everything was read.
                    yield break;
                }

                previousFirst = first;
                var count = invoices.GetArrayLength();
                yield return invoices;

                // Shorter than asked: the last page. Longer than asked: the upstream ignores `per_page`
                // and sent everything at once.
                if (count != options.PageSize)
                {
                    yield break;
                }
            }
        }
        finally
        {
            // Pages asked ahead that are not needed: stop them, and let go of what already arrived.
            await ahead.CancelAsync().ConfigureAwait(false);
            while (pending.TryDequeue(out var unread))
            {
                try
                {
                    (await unread.ConfigureAwait(false)).Dispose();
                }
#pragma warning disable CA1031 // An unneeded page's failure is no failure of the read.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    private async Task<JsonDocument> FetchPageAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(path, cancellationToken).ConfigureAwait(false);
        return await UpstreamJson.ReadAsync(source.Name, response, source.Limits, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the body's top-level <c>status</c>: <c>error</c> fails the source, <c>new</c> and
    /// <c>in_progress</c> mean the data is still being collected (returns true).
    /// </summary>
    private bool CheckStatus(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("status", out var status)
            || status.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (status.ValueEquals("error"))
        {
            throw new UpstreamException(UpstreamErrorCodes.SourceFailed,
                $"Source '{source.Name}' reports status 'error': it could not collect the consent's invoices.");
        }

        return status.ValueEquals("new") || status.ValueEquals("in_progress");
    }

    private async Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new UpstreamException(UpstreamErrorCodes.Unreachable,
                $"Source '{source.Name}' could not be reached for GET {path.AsSpan(0, path.IndexOf('?', StringComparison.Ordinal))}.",
                null, ex);
        }
    }

    private Invoice NormalizeOne(JsonElement entry)
    {
        try
        {
            return _normalizer.Normalize(entry);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException
                                       or OverflowException or ArgumentException or UpstreamException)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{source.Name}' sent an invoice that could not be read: {ex.Message}", null, ex);
        }
    }

    private static string? FirstId(JsonElement invoices)
    {
        foreach (var entry in invoices.EnumerateArray())
        {
            return entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("id", out var id)
                && id.ValueKind is JsonValueKind.String or JsonValueKind.Number
                    ? id.GetRawText()
                    : null;
        }

        return null;
    }

    private static bool HasId(JsonElement entry, string sourceId) =>
        entry.ValueKind == JsonValueKind.Object
        && entry.TryGetProperty("id", out var id)
        && id.ValueKind switch
        {
            JsonValueKind.String => id.ValueEquals(sourceId),
            JsonValueKind.Number => id.GetRawText() == sourceId,
            _ => false,
        };
}
