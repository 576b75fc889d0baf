using System.Globalization;
using System.Net;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.SendRegning.Mapping;
using InvoiceGateway.Adapters.SendRegning.Paging;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning;

/// <summary>
/// Reads the account's invoices page by page, following the <c>Link</c> header's <c>rel="next"</c>
/// URL (absolute, or relative to the page's own URL) as long as it stays on the API's host.
/// </summary>
internal sealed class SendRegningSource : IInvoiceSource
{
    private readonly SourceDescriptor _source;
    private readonly SendRegningOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly SendRegningNormalizer _normalizer;

    public SendRegningSource(
        SourceDescriptor source, SendRegningOptions options, HttpClient http, string defaultCurrency, InvoiceDirection direction)
    {
        _source = source;
        _options = options;
        _http = http;
        _baseAddress = http.BaseAddress ?? source.BaseUrl;
        _normalizer = new SendRegningNormalizer(new SourceSettings(source, defaultCurrency, direction));
    }

    /// <remarks>
    /// The next page is known only from the <c>Link</c> header of the page before, so pages are read one after
    /// the other; but that header arrives before the page's body, so the next page is asked for at once and
    /// travels while this page's body is read and mapped.
    /// </remarks>
    public async Task<SourceListing> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new InvoiceEntries(_source.Name, _source.Limits);
        var current = new Uri(_baseAddress, string.Create(CultureInfo.InvariantCulture, $"invoices/?page=1&perPage={_options.PageSize}"));
        var visited = new HashSet<string>(StringComparer.Ordinal) { current.AbsoluteUri };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<HttpResponseMessage>? pending = SendAsync(current, stop.Token);
        try
        {
            for (var read = 1; pending is not null; read++)
            {
                using var response = await pending.ConfigureAwait(false);
                pending = null;
                SourceNotice? stopped = null;
                if (NextPage(response, current) is { } next)
                {
                    if (read == _source.Limits.MaxPages)
                    {
                        stopped = new SourceNotice(SourceNotice.Incomplete,
                            $"Source '{_source.Name}' has more than {_source.Limits.MaxPages} pages; only those were read.");
                    }
                    else if (!visited.Add(next.AbsoluteUri))
                    {
                        stopped = new SourceNotice(SourceNotice.Incomplete,
                            $"Source '{_source.Name}' links back to a page already read ({next.AbsolutePath}); paging stopped there.");
                    }
                    else
                    {
                        pending = SendAsync(next, stop.Token);
                        current = next;
                    }
                }

                using (var body = await UpstreamJson.ReadBodyAsync(_source.Name, response, cancellationToken).ConfigureAwait(false))
                {
                    _normalizer.ReadPage(response, body.Utf8, entries);
                }

                if (stopped is not null)
                {
                    entries.Notice(stopped);
                }
            }
        }
        finally
        {
            if (pending is not null)
            {
                // This page failed: the next one, already asked for, is not needed.
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    (await pending.ConfigureAwait(false)).Dispose();
                }
#pragma warning disable CA1031 // The failure that matters is this page's, already on its way.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }

        return entries.ToListing();
    }

    public async Task<Invoice?> GetAsync(string sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        if (string.IsNullOrWhiteSpace(sourceId))
        {
            return null;
        }

        var uri = new Uri(_baseAddress, "invoices/" + Uri.EscapeDataString(sourceId));
        using var response = await SendAsync(uri, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        using var body = await UpstreamJson.ReadBodyAsync(_source.Name, response, cancellationToken).ConfigureAwait(false);
        return _normalizer.ReadOne(response, body.Utf8);
    }

    /// <summary>
    /// The <c>rel="next"</c> URL resolved against the page just read, or <c>null</c> on the last page.
    /// A link to another scheme, host or port is refused: the source's credentials go with every request.
    /// </summary>
    private Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values) || LinkHeader.FindNext(values) is not { } target)
        {
            return null;
        }

        if (!Uri.TryCreate(current, target, out var next))
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{_source.Name}' sent a next-page link that is not a URL.");
        }

        if (Uri.Compare(next, _baseAddress, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{_source.Name}' sent a next-page link to {Origin(next)}, not to its own {Origin(_baseAddress)}; it was not followed.");
        }

        return next;
    }

    /// <summary>Scheme, host and port only: never the user info a URL may carry.</summary>
    private static string Origin(Uri uri) => string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.Host}:{uri.Port}");

    private async Task<HttpResponseMessage> SendAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new UpstreamException(UpstreamErrorCodes.Unreachable,
                $"Source '{_source.Name}' could not be reached for GET {uri.AbsolutePath}.", null, ex);
        }
    }
}
