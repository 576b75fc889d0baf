using System.Diagnostics.Metrics;

namespace InvoiceGateway.Caching;

/// <summary>Which tier answered (or, for a miss, the last tier asked).</summary>
internal enum CacheLevel
{
    L1,
    L2,
}

/// <summary>
/// One measurement per <see cref="TieredCache.GetOrFetchAsync{T}"/> answer: hits, misses and stale
/// answers, tagged <c>level</c> = <c>l1</c> or <c>l2</c>. Hit ratio = hits / (hits + misses + stale).
/// </summary>
internal sealed class CacheMetrics : IDisposable
{
    private static readonly KeyValuePair<string, object?> L1Tag = new("level", "l1");
    private static readonly KeyValuePair<string, object?> L2Tag = new("level", "l2");

    private readonly Meter _meter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _stale;

    public CacheMetrics(object scope)
    {
        // The scope tells instances apart (tests run several caches in one process).
        _meter = new Meter(TieredCache.MeterName, version: null, tags: null, scope: scope);
        _hits = _meter.CreateCounter<long>("invoicegateway.cache.hits", "{answer}", "Answers served from a fresh cached copy.");
        _misses = _meter.CreateCounter<long>("invoicegateway.cache.misses", "{answer}", "Answers fetched from the upstream.");
        _stale = _meter.CreateCounter<long>("invoicegateway.cache.stale", "{answer}", "Stale copies served because the upstream failed.");
    }

    public void Record(CacheState state, CacheLevel level)
    {
        var tag = level == CacheLevel.L1 ? L1Tag : L2Tag;
        var counter = state switch
        {
            CacheState.Hit => _hits,
            CacheState.Miss => _misses,
            _ => _stale,
        };
        counter.Add(1, tag);
    }

    public void Dispose() => _meter.Dispose();
}
