using System.Diagnostics.Metrics;

namespace InvoiceGateway.Caching;

/// <summary>
/// One measurement per answer of <see cref="InvoiceCache"/>: hits, misses and stale copies. Hit ratio =
/// hits / (hits + misses + stale). FusionCache's own meters and traces (per level) come on top when wired.
/// </summary>
internal sealed class CacheMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _stale;

    public CacheMetrics(object scope)
    {
        // The scope tells instances apart (tests run several caches in one process).
        _meter = new Meter(InvoiceCache.MeterName, version: null, tags: null, scope: scope);
        _hits = _meter.CreateCounter<long>("invoicegateway.cache.hits", "{answer}", "Answers served from a fresh cached copy.");
        _misses = _meter.CreateCounter<long>("invoicegateway.cache.misses", "{answer}", "Answers read from the upstream.");
        _stale = _meter.CreateCounter<long>("invoicegateway.cache.stale", "{answer}", "Copies older than their Ttl: the upstream failed, or the copy is being read again.");
    }

    public void Record(CacheState state) =>
        (state switch
        {
            CacheState.Hit => _hits,
            CacheState.Miss => _misses,
            _ => _stale,
        }).Add(1);

    public void Dispose() => _meter.Dispose();
}
