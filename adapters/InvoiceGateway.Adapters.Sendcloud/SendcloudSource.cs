using System.Globalization;
using System.Net;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Adapters.Sendcloud.Mapping;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud;

/// <summary>
/// Reads the account's invoices: the whole list in one call (Sendcloud does not page it; its entries
/// link to their lines), one invoice with its lines from the detail endpoint.
/// </summary>
internal sealed class SendcloudSource : IInvoiceSource
{
    private readonly SourceDescriptor _source;
    private readonly HttpClient _http;
    private readonly SendcloudNormalizer _normalizer;

    public SendcloudSource(
        SourceDescriptor source, HttpClient http, string issuerName, string defaultCurrency, InvoiceDirection direction)
    {
        _source = source;
        _http = http;
        var currency = InvoiceRules.Currency(null, source, defaultCurrency);
        _normalizer = new SendcloudNormalizer(new SourceSettings(source, currency, direction, new Party { Name = issuerName }));
    }

    public async Task<SourceListing> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync("user/invoices", cancellationToken).ConfigureAwait(false);
        using var document = await UpstreamJson.ReadAsync(_source.Name, response, _source.Limits, cancellationToken)
            .ConfigureAwait(false);
        var invoices = UpstreamJson.Require(_source.Name, document.RootElement, "invoices", JsonValueKind.Array);
        var entries = new InvoiceEntries(_source.Name, _source.Limits);
        entries.AddAll(invoices, _normalizer.Normalize);
        return entries.ToListing();
    }

    public async Task<Invoice?> GetAsync(string sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceId);

        // Sendcloud's invoice ids are positive integers: anything else cannot exist upstream.
        if (!long.TryParse(sourceId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
        {
            return null;
        }

        using var response = await SendAsync($"user/invoices/{Uri.EscapeDataString(sourceId)}", cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        using var document = await UpstreamJson.ReadAsync(_source.Name, response, _source.Limits, cancellationToken)
            .ConfigureAwait(false);
        var invoice = UpstreamJson.Require(_source.Name, document.RootElement, "invoice", JsonValueKind.Object);
        try
        {
            return _normalizer.Normalize(invoice);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException
                                       or OverflowException or ArgumentException or UpstreamException)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{_source.Name}' sent an invoice that could not be read: {ex.Message}", null, ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new UpstreamException(UpstreamErrorCodes.Unreachable,
                $"Source '{_source.Name}' could not be reached for GET {path}.", null, ex);
        }
    }
}
