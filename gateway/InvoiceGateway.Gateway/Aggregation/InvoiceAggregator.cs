using System.Diagnostics;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Diagnostics;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// Reads sources through the cache: all of a list request's sources in parallel, each bounded by
/// its own timeout; a failing source is reported, never thrown.
/// </summary>
internal sealed partial class InvoiceAggregator(TieredCache cache, TimeProvider time, ILogger<InvoiceAggregator> logger)
{
    public async Task<SourceOutcome[]> ReadListsAsync(
        IReadOnlyList<SourceRuntime> readable, IReadOnlySet<string>? requested, bool bypass, CancellationToken cancellationToken)
    {
        var tasks = new Task<SourceOutcome>[readable.Count];
        for (var i = 0; i < readable.Count; i++)
        {
            var source = readable[i];
            tasks[i] = requested is null || requested.Contains(source.Name)
                ? ReadListAsync(source, bypass, cancellationToken)
                : Task.FromResult(new SourceOutcome(source.Name, SourceState.Skipped, null, 0, null));
        }

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    public async Task<SourceOutcome> ReadListAsync(SourceRuntime source, bool bypass, CancellationToken cancellationToken)
    {
        using var read = UpstreamTracing.StartSourceRead(source.Name, "list");
        using var cacheRead = CacheTracing.StartRead("list", source.Name, source.ListCacheKey);
        var outcome = await ReadListUntracedAsync(source, bypass, cancellationToken).ConfigureAwait(false);
        read?.SetTag("invoicegateway.state", GatewayMetrics.StateName(outcome.State));
        if (outcome.Cache is { } state)
        {
            CacheTracing.Answered(cacheRead, state);
        }
        else
        {
            CacheTracing.Failed(cacheRead, outcome.Error?.Code ?? "failed");
        }

        return outcome;
    }

    // Not async: a memory hit is a completed task, handed on as it is (unless someone traces).
    public Task<CacheResult<InvoiceDetail>> ReadDetailAsync(
        SourceRuntime source, string sourceId, bool bypass, CancellationToken cancellationToken) =>
        UpstreamTracing.IsEnabled || CacheTracing.IsEnabled
            ? ReadDetailTracedAsync(source, sourceId, bypass, cancellationToken)
            : ReadDetailUntracedAsync(source, sourceId, bypass, cancellationToken);

    private async Task<CacheResult<InvoiceDetail>> ReadDetailTracedAsync(
        SourceRuntime source, string sourceId, bool bypass, CancellationToken cancellationToken)
    {
        using var read = UpstreamTracing.StartSourceRead(source.Name, "detail");
        var key = source.DetailCacheKey(sourceId);
        using var cacheRead = CacheTracing.StartRead("detail", source.Name, key);
        try
        {
            var result = await ReadDetailUntracedAsync(source, sourceId, bypass, cancellationToken).ConfigureAwait(false);
            CacheTracing.Answered(cacheRead, result.State);
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            CacheTracing.Failed(cacheRead, SourceError.From(source.Name, ex, source.Settings.Timeout).Code);
            throw;
        }
    }

    private async Task<SourceOutcome> ReadListUntracedAsync(SourceRuntime source, bool bypass, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var timeout = source.Settings.Timeout;
        try
        {
            var result = await cache.GetOrFetchAsync(
                    source.ListCacheKey,
                    source.Settings.Cache,
                    ct => FetchListAsync(source, ct),
                    SourceSnapshotCodec.Instance,
                    bypass,
                    cancellationToken)
                .WaitAsync(timeout, time, cancellationToken)
                .ConfigureAwait(false);

            return (result.State == CacheState.Stale
                ? new SourceOutcome(source.Name, SourceState.Stale, result.Value, Elapsed(started),
                    SourceError.From(source.Name, result.Error ?? new TimeoutException(), timeout))
                : new SourceOutcome(source.Name, SourceState.Ok, result.Value, Elapsed(started), null)) with { Cache = result.State };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = SourceError.From(source.Name, ex, timeout);
            if (error.Code == "internal_error")
            {
                LogUnexpected(logger, ex, source.Name);
            }

            // The fetch may still be running (it warms the cache); meanwhile a last good copy beats nothing.
            if (cache.TryGetStale<SourceSnapshot>(source.ListCacheKey, source.Settings.Cache, out var stale) && stale is not null)
            {
                return new SourceOutcome(source.Name, SourceState.Stale, stale.Value, Elapsed(started), error) { Cache = CacheState.Stale };
            }

            return new SourceOutcome(source.Name, SourceState.Failed, null, Elapsed(started), error);
        }
    }

    private Task<CacheResult<InvoiceDetail>> ReadDetailUntracedAsync(
        SourceRuntime source, string sourceId, bool bypass, CancellationToken cancellationToken) =>
        cache.GetOrFetchAsync(
                source.DetailCacheKey(sourceId),
                source.Settings.Cache,
                ct => FetchDetailAsync(source, sourceId, ct),
                InvoiceDetailCodec.Instance,
                bypass,
                cancellationToken)
            .WaitAsync(source.Settings.Timeout, time, cancellationToken);

    private static async Task<SourceSnapshot> FetchListAsync(SourceRuntime source, CancellationToken cancellationToken)
    {
        // The shared fetch outlives any one request (it fills the cache for the next), but not the source's timeout.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(source.Settings.Timeout);
        try
        {
            var listing = await source.Reader.ListAsync(bounded.Token).ConfigureAwait(false);
            // One invoice per source id, whatever the adapter (a plug-in included) sent: paged and unpaged reads agree.
            listing = listing.WithoutDuplicates();
            return new SourceSnapshot(listing.Invoices, listing.Notices);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamException(UpstreamErrorCodes.Timeout,
                $"Source '{source.Name}' did not answer within {source.Settings.Timeout.TotalSeconds:0.###} s.");
        }
    }

    private static async Task<InvoiceDetail> FetchDetailAsync(SourceRuntime source, string sourceId, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(source.Settings.Timeout);
        try
        {
            var invoice = await source.Reader.GetAsync(sourceId, bounded.Token).ConfigureAwait(false);
            return invoice is null ? InvoiceDetail.NotFound : new InvoiceDetail(invoice);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamException(UpstreamErrorCodes.Timeout,
                $"Source '{source.Name}' did not answer within {source.Settings.Timeout.TotalSeconds:0.###} s.");
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading source {Source} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string source);
}
