using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>
/// A read-only stream that fails with <see cref="UpstreamErrorCodes.LimitExceeded"/> once more than the
/// limit has been read, and then closes the underlying (network) stream so nothing more is received.
/// </summary>
internal sealed class LimitedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly string _source;
    private readonly long _maxBytes;
    private readonly Action<UpstreamException>? _onExceeded;
    private long _read;

    public LimitedReadStream(Stream inner, string source, long maxBytes, Action<UpstreamException>? onExceeded)
    {
        _inner = inner;
        _source = source;
        _maxBytes = maxBytes;
        _onExceeded = onExceeded;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ThrowIfExceeded();
        return Count(_inner.Read(Bound(buffer)));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfExceeded();
        return Count(await _inner.ReadAsync(Bound(buffer), cancellationToken));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        await base.DisposeAsync();
    }

    // Never asks for more than one byte past the limit, so a huge caller buffer cannot pull in a huge body.
    private Span<byte> Bound(Span<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, Remaining)];

    private Memory<byte> Bound(Memory<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, Remaining)];

    private long Remaining => _maxBytes - _read + 1;

    private int Count(int read)
    {
        _read += read;
        if (_read > _maxBytes)
        {
            _inner.Dispose();
            var error = TooLarge();
            _onExceeded?.Invoke(error);
            throw error;
        }

        return read;
    }

    private void ThrowIfExceeded()
    {
        if (_read > _maxBytes)
        {
            throw TooLarge();
        }
    }

    private UpstreamException TooLarge() => new(
        UpstreamErrorCodes.LimitExceeded, $"Source '{_source}' sent more than {_maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
}
