using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Bounds every response body of a source. A <c>Content-Length</c> above the limit fails at once, before
/// any of the body is read; otherwise the body is wrapped so that reading past the limit fails. Either way
/// the caller sees <see cref="UpstreamException"/> with <see cref="UpstreamErrorCodes.LimitExceeded"/>.
/// </summary>
internal sealed class ResponseSizeLimitHandler : DelegatingHandler
{
    private readonly string _source;
    private readonly long _maxBytes;
    private readonly Action<UpstreamException>? _onBodyTooLarge;

    /// <param name="source">The source name, for messages.</param>
    /// <param name="maxBytes">The most bytes a body may have.</param>
    /// <param name="onBodyTooLarge">
    /// Told when a body turns out too large while being read, which happens after the response has left
    /// the pipeline (so that the source's health still learns of it).
    /// </param>
    public ResponseSizeLimitHandler(string source, long maxBytes, Action<UpstreamException>? onBodyTooLarge = null)
    {
        _source = source;
        _maxBytes = maxBytes;
        _onBodyTooLarge = onBodyTooLarge;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Head)
        {
            return response;
        }

        if (response.Content.Headers.ContentLength is { } length && length > _maxBytes)
        {
            response.Dispose();
            throw new UpstreamException(
                UpstreamErrorCodes.LimitExceeded,
                $"Source '{_source}' announced a body of {length.ToString(CultureInfo.InvariantCulture)} bytes, more than the limit of {_maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.",
                (int)response.StatusCode);
        }

        response.Content = new LimitedContent(response.Content, _source, _maxBytes, _onBodyTooLarge);
        return response;
    }
}
