using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Reading;

/// <summary>One source read through a compiled mapping.</summary>
internal sealed class GenericSource : IInvoiceSource
{
    /// <summary>The warning on an invoice served from its list summary because its detail could not be read.</summary>
    public const string DetailUnavailable = "detail_unavailable";

    private readonly CompiledMapping _mapping;
    private readonly SourceDescriptor _source;
    private readonly UpstreamClient _client;
    private readonly ListReader _list;
    private readonly NormalizeSettings _settings;
    private readonly int _detailConcurrency;

    public GenericSource(CompiledMapping mapping, SourceDescriptor source, HttpClient http, ReadSettings read)
    {
        _mapping = mapping;
        _source = source;
        _client = new UpstreamClient(source, http);
        _list = new ListReader(mapping.List, _client, source.Limits, read);
        _detailConcurrency = read.DetailConcurrency;
        _settings = new NormalizeSettings(
            source,
            mapping.DefaultCurrency,
            mapping.DefaultDirection ?? GenericAdapter.FallbackDirection);
    }

    public async Task<SourceListing> ListAsync(CancellationToken cancellationToken)
    {
        var pages = await _list.ReadAsync(cancellationToken);
        var details = new List<JsonPage>();
        try
        {
            var arrays = pages.Select(_list.Items).ToArray();
            var total = arrays.Sum(a => a.GetArrayLength());
            if (total > _source.Limits.MaxInvoices)
            {
                throw new UpstreamException(UpstreamErrorCodes.LimitExceeded,
                    $"Source '{_source.Name}' sent more than {_source.Limits.MaxInvoices} invoices.");
            }

            var completions = _mapping.List.Summaries
                ? await CompleteAsync(arrays, details, cancellationToken)
                : null;
            var entries = new InvoiceEntries(_source.Name, _source.Limits);
            var position = 0;
            foreach (var array in arrays)
            {
                // AddAll calls the function once per entry, in order, so the position follows the entries.
                entries.AddAll(array, entry =>
                {
                    var completion = completions?[position++];
                    return completion is null ? Normalize(entry) : Complete(entry, completion.Value);
                });
            }

            return entries.ToListing();
        }
        finally
        {
            foreach (var page in pages.Concat(details))
            {
                page.Dispose();
            }
        }
    }

    public bool ReadsDetailsFromList => _mapping.Detail is null;

    public async Task<Invoice?> GetAsync(string sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        if (_mapping.Detail is null)
        {
            var listing = await ListAsync(cancellationToken);
            return listing.Invoices.FirstOrDefault(i => string.Equals(i.SourceId, sourceId, StringComparison.Ordinal));
        }

        var detail = await FetchDetailAsync(sourceId, cancellationToken);
        if (detail is null)
        {
            return null;
        }

        using (detail)
        {
            var element = Envelope(detail, sourceId);
            try
            {
                return Normalize(element);
            }
            catch (UpstreamException ex)
            {
                throw new UpstreamException(UpstreamErrorCodes.Payload,
                    $"Source '{_source.Name}' sent invoice '{Clip(sourceId)}' in a shape that cannot be read: {ex.Message}.", null, ex);
            }
        }
    }

    private Invoice Normalize(JsonElement entry) => _mapping.Normalizer.Normalize(entry, _settings);

    private Invoice Complete(JsonElement summary, Completion completion)
    {
        if (completion.Detail is { } detail)
        {
            return Normalize(detail);
        }

        var invoice = Normalize(summary);
        return completion.Problem is null
            ? invoice
            : invoice with { Warnings = [.. invoice.Warnings, new InvoiceWarning(DetailUnavailable, completion.Problem)] };
    }

    /// <summary>
    /// Fetches the detail of every summary that needs it, a few at a time (Options:DetailConcurrency). A summary whose detail cannot be read
    /// (not found, an upstream error, a bad body) is served as it is, with a <c>detail_unavailable</c> warning.
    /// </summary>
    private async Task<Completion?[]> CompleteAsync(JsonElement[] arrays, List<JsonPage> details, CancellationToken cancellationToken)
    {
        var entries = arrays.SelectMany(a => a.EnumerateArray()).ToArray();
        var completions = new Completion?[entries.Length];
        var fetched = new JsonPage?[entries.Length];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, entries.Length),
                new ParallelOptions { MaxDegreeOfParallelism = _detailConcurrency, CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    var entry = entries[index];
                    if (!NeedsDetail(entry) || _mapping.Normalizer.ReadId(entry) is not { } id)
                    {
                        return;
                    }

                    try
                    {
                        var page = await FetchDetailAsync(id, token);
                        fetched[index] = page;
                        completions[index] = page is null
                            ? new Completion(null, $"The detail of invoice '{Clip(id)}' was not found; the list summary was served.")
                            : new Completion(Envelope(page, id), null);
                    }
                    catch (UpstreamException ex)
                    {
                        completions[index] = new Completion(null, $"The detail could not be read ({ex.Message}); the list summary was served.");
                    }
                });
        }
        finally
        {
            details.AddRange(fetched.OfType<JsonPage>());
        }

        return completions;
    }

    private bool NeedsDetail(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object || _mapping.List.SummaryLacks.Count == 0)
        {
            return true;
        }

        foreach (var path in _mapping.List.SummaryLacks)
        {
            if (!path.TryGet(entry, out _))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<JsonPage?> FetchDetailAsync(string id, CancellationToken cancellationToken)
    {
        var detail = _mapping.Detail!;
        if (string.IsNullOrWhiteSpace(id) || id.Trim() is "." or "..")
        {
            // Such an id would change the request's path rather than name an invoice.
            return null;
        }

        var path = detail.PathTemplate.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal);
        return await _client.GetOrNullAsync(new Uri(path, UriKind.Relative), detail.NotFound, cancellationToken);
    }

    private JsonElement Envelope(JsonPage page, string id)
    {
        var root = page.Document.RootElement;
        var envelope = _mapping.Detail!.Envelope;
        if (envelope.IsRoot)
        {
            return root;
        }

        return envelope.TryGet(root, out var element)
            ? element
            : throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{_source.Name}' sent the detail of invoice '{Clip(id)}' without '{envelope.Text}'.");
    }

    private static string Clip(string value) => value.Length > 64 ? string.Concat(value.AsSpan(0, 64), "…") : value;

    private readonly record struct Completion(JsonElement? Detail, string? Problem);
}
