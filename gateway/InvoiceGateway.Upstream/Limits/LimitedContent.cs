using System.Net;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>A response body that can be read only up to a number of bytes.</summary>
internal sealed class LimitedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly string _source;
    private readonly long _maxBytes;
    private readonly Action<UpstreamException>? _onExceeded;

    public LimitedContent(HttpContent inner, string source, long maxBytes, Action<UpstreamException>? onExceeded)
    {
        _inner = inner;
        _source = source;
        _maxBytes = maxBytes;
        _onExceeded = onExceeded;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new LimitedReadStream(await _inner.ReadAsStreamAsync(cancellationToken), _source, _maxBytes, _onExceeded);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken);
        await using (source)
        {
            await source.CopyToAsync(stream, cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
