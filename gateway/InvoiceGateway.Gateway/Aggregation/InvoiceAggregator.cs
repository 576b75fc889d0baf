using System.Diagnostics;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Diagnostics;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// Reads sources through the cache (<see cref="SourceRefresher"/>): all of a list request's sources in parallel,
/// each bounded by its own timeout; a failing source is reported, never thrown.
/// </summary>
internal sealed partial class InvoiceAggregator(SourceRefresher refresher, InvoiceCache cache, TimeProvider time, ILogger<InvoiceAggregator> logger)
{
    public SourceRefresher Refresher => refresher;

    /// <summary>
    /// Reads the lists of a list request: a source whose copy in memory is younger than its Ttl is answered at once
    /// (<see cref="InvoiceCache.TryGetFresh"/>), the others through the cache in parallel, so a request served
    /// wholly from memory costs no task per source (bench/results/hotpath-2026-12-02b.md).
    /// </summary>
    public ValueTask<SourceOutcome[]> ReadListsAsync(
        IReadOnlyList<SourceRuntime> readable, IReadOnlySet<string>? requested, bool bypass, CancellationToken cancellationToken)
    {
        var outcomes = new SourceOutcome[readable.Count];
        Task<SourceOutcome>?[]? pending = null;
        for (var i = 0; i < readable.Count; i++)
        {
            var source = readable[i];
            if (requested is not null && !requested.Contains(source.Name))
            {
                outcomes[i] = new SourceOutcome(source.Name, SourceState.Skipped, null, 0, null);
            }
            else if (bypass || !TryListFromMemory(source, out outcomes[i]!))
            {
                (pending ??= new Task<SourceOutcome>?[readable.Count])[i] = ReadListAsync(source, bypass, cancellationToken);
            }
        }

        return pending is null ? ValueTask.FromResult(outcomes) : new ValueTask<SourceOutcome[]>(JoinAsync(outcomes, pending));
    }

    /// <summary>
    /// Stamps of the lists <see cref="ReadListsAsync"/> is about to read (the queried ones of <paramref name="readable"/>),
    /// taken before it reads them (<see cref="InvoiceCache.Stamp"/>); <c>null</c> when the stamps could not tell every
    /// change (Redis) or reads are traced (their spans come from the reads).
    /// </summary>
    public CacheStamp?[]? StampLists(IReadOnlyList<SourceRuntime> readable, IReadOnlySet<string>? requested)
    {
        if (!cache.SeesEveryChange || UpstreamTracing.IsEnabled || CacheTracing.IsEnabled)
        {
            return null;
        }

        var stamps = new CacheStamp?[readable.Count];
        for (var i = 0; i < readable.Count; i++)
        {
            var source = readable[i];
            if (requested is null || requested.Contains(source.Name))
            {
                stamps[i] = cache.Stamp(source.ListCacheKey, source.CacheEntries.List);
            }
        }

        return stamps;
    }

    /// <summary>
    /// What <see cref="ReadListsAsync"/> read from memory, as the stamps taken before it (<see cref="StampLists"/>) saw
    /// the copies: <c>null</c> unless every queried list was answered from memory (ok, a hit, under a millisecond).
    /// </summary>
    public ListsRead? ListsReadFromMemory(IReadOnlyList<SourceRuntime> readable, SourceOutcome[] outcomes, CacheStamp?[] stamps)
    {
        var reads = new List<ListRead>(outcomes.Length);
        var stripped = new SourceOutcome[outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var outcome = outcomes[i];
            if (outcome.State == SourceState.Skipped && stamps[i] is null)
            {
                stripped[i] = outcome;
                continue;
            }

            if (stamps[i] is not { } stamp
                || outcome is not { State: SourceState.Ok, Error: null, DurationMs: 0, Cache: CacheState.Hit, Snapshot: { } snapshot })
            {
                return null;
            }

            reads.Add(new ListRead(stamp, snapshot.StoredAt, readable[i].CacheEntries.List));
            stripped[i] = outcome with { Snapshot = null }; // kept for metrics only: never a snapshot (see ListPageCache)
        }

        return new ListsRead([.. reads], stripped, Array.TrueForAll(outcomes, o => o.IsComplete));
    }

    /// <summary>
    /// Whether reading the lists of <paramref name="read"/> again would answer the same copies, from memory: none was
    /// set, removed, evicted or expired since, nor its tag removed, and each is still younger than its Ttl; nobody
    /// traces reads. Counted as the cache hits those reads would be.
    /// </summary>
    public bool StillAnswers(ListsRead read)
    {
        if (UpstreamTracing.IsEnabled || CacheTracing.IsEnabled)
        {
            return false;
        }

        foreach (var list in read.Lists)
        {
            if (!list.Stamp.IsCurrent || !cache.IsFresh(list.StoredAt, list.Entry))
            {
                return false;
            }
        }

        cache.CountHits(read.Lists.Length);
        return true;
    }

    private static async Task<SourceOutcome[]> JoinAsync(SourceOutcome[] outcomes, Task<SourceOutcome>?[] pending)
    {
        for (var i = 0; i < pending.Length; i++)
        {
            if (pending[i] is { } reading)
            {
                outcomes[i] = await reading.ConfigureAwait(false); // all started before the first is awaited: in parallel
            }
        }

        return outcomes;
    }

    /// <summary>
    /// A source's list answered from this replica's memory when its copy is younger than its Ttl: what the read through
    /// the cache would answer (ok, a hit, no error, under a millisecond). Not while anybody traces reads: their spans
    /// come from the read through the cache.
    /// </summary>
    private bool TryListFromMemory(SourceRuntime source, out SourceOutcome? outcome)
    {
        if (!UpstreamTracing.IsEnabled && !CacheTracing.IsEnabled
            && cache.TryGetFresh<SourceSnapshot>(source.ListCacheKey, source.CacheEntries.List, out var snapshot))
        {
            outcome = new SourceOutcome(source.Name, SourceState.Ok, snapshot, 0, null) { Cache = CacheState.Hit };
            return true;
        }

        outcome = null;
        return false;
    }

    public Task<SourceOutcome> ReadListAsync(SourceRuntime source, bool bypass, CancellationToken cancellationToken) =>
        ReadListAsync(source, bypass, waitForStore: false, cancellationToken);

    /// <summary>
    /// Reads a source's list again for a connection's check. The upstream read is bounded by the source's
    /// <c>Timeout</c> inside the refresher, as always; storing what it read (compare, events, sync rows) is waited
    /// for, not bounded with it: a busy database makes the check slower, not a false "did not answer" (at 1,000
    /// connections created during a sync, 779 were saved as failed that way; bench/results/scale-1m.md).
    /// </summary>
    public Task<SourceOutcome> CheckListAsync(SourceRuntime source, CancellationToken cancellationToken) =>
        ReadListAsync(source, bypass: true, waitForStore: true, cancellationToken);

    private async Task<SourceOutcome> ReadListAsync(SourceRuntime source, bool bypass, bool waitForStore, CancellationToken cancellationToken)
    {
        using var read = UpstreamTracing.StartSourceRead(source.Name, "list");
        using var cacheRead = CacheTracing.StartRead("list", source.Name, source.ListCacheKey);
        var outcome = await ReadListUntracedAsync(source, bypass, waitForStore, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// One invoice through the cache. A source without a detail endpoint is answered from its cached list, so an
    /// unknown id costs no upstream request (the list is read at most once per Ttl, as for list requests).
    /// </summary>
    public Task<CacheResult<InvoiceDetail>> ReadDetailAsync(
        SourceRuntime source, string sourceId, bool bypass, CancellationToken cancellationToken)
    {
        if (UpstreamTracing.IsEnabled || CacheTracing.IsEnabled)
        {
            return ReadDetailTracedAsync(source, sourceId, bypass, cancellationToken);
        }

        // A copy in memory younger than its Ttl is answered at once, as the read through the cache would answer it.
        if (!bypass)
        {
            if (source.Reader.ReadsDetailsFromList)
            {
                if (cache.TryGetFresh<SourceSnapshot>(source.ListCacheKey, source.CacheEntries.List, out var list))
                {
                    return Task.FromResult(new CacheResult<InvoiceDetail>(DetailIn(list, sourceId), CacheState.Hit, null));
                }
            }
            else if (cache.TryGetFresh<InvoiceDetail>(source.DetailCacheKey(sourceId), source.CacheEntries.Detail, out var detail))
            {
                return Task.FromResult(new CacheResult<InvoiceDetail>(detail, CacheState.Hit, null));
            }
        }

        return ReadDetailUntracedAsync(source, sourceId, bypass, cancellationToken);
    }

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

    private async Task<SourceOutcome> ReadListUntracedAsync(SourceRuntime source, bool bypass, bool waitForStore, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var timeout = source.Settings.Timeout;
        try
        {
            var reading = bypass ? refresher.RefreshListAsync(source, cancellationToken) : refresher.GetListAsync(source, cancellationToken);
            var result = await (waitForStore ? reading.WaitAsync(cancellationToken) : reading.WaitAsync(timeout, time, cancellationToken))
                .ConfigureAwait(false);

            // A copy older than its Ttl that is being read again (no failure known) is served as it is: ok.
            return (result.Error is { } error
                ? new SourceOutcome(source.Name, SourceState.Stale, result.Value, Elapsed(started), SourceError.From(source.Name, error, timeout))
                : new SourceOutcome(source.Name, SourceState.Ok, result.Value, Elapsed(started), null)) with { Cache = result.State };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = SourceError.From(source.Name, ex, timeout);
            if (error.Code == "internal_error")
            {
                LogUnexpected(logger, ex, source.Name);
            }

            // The read may still be running (it warms the cache); meanwhile a last good copy beats nothing.
            if (cache.TryGetStale<SourceSnapshot>(source.ListCacheKey, source.CacheEntries.List, out var stale))
            {
                return new SourceOutcome(source.Name, SourceState.Stale, stale.Value, Elapsed(started), error) { Cache = CacheState.Stale };
            }

            return new SourceOutcome(source.Name, SourceState.Failed, null, Elapsed(started), error);
        }
    }

    private async Task<CacheResult<InvoiceDetail>> ReadDetailUntracedAsync(
        SourceRuntime source, string sourceId, bool bypass, CancellationToken cancellationToken)
    {
        if (source.Reader.ReadsDetailsFromList)
        {
            var list = await (bypass ? refresher.RefreshListAsync(source, cancellationToken) : refresher.GetListAsync(source, cancellationToken))
                .WaitAsync(source.Settings.Timeout, time, cancellationToken)
                .ConfigureAwait(false);
            return new CacheResult<InvoiceDetail>(DetailIn(list.Value, sourceId), list.State, list.Error);
        }

        return await (bypass ? refresher.RefreshDetailAsync(source, sourceId, cancellationToken) : refresher.GetDetailAsync(source, sourceId, cancellationToken))
            .WaitAsync(source.Settings.Timeout, time, cancellationToken)
            .ConfigureAwait(false);
    }

    private static InvoiceDetail DetailIn(SourceSnapshot list, string sourceId)
    {
        var index = list.IndexOf(sourceId);
        return index < 0 ? new InvoiceDetail(null, list.StoredAt) : new InvoiceDetail(list, index);
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading source {Source} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string source);
}

/// <summary>One list read from memory: its stamp before the read, when its copy was stored, its entry (Ttl).</summary>
internal readonly record struct ListRead(CacheStamp Stamp, DateTimeOffset StoredAt, CacheEntry Entry);

/// <summary>
/// The lists of a request answered from memory (<see cref="InvoiceAggregator.ListsReadFromMemory"/>): their reads, the
/// outcomes without their snapshots (for the counters) and whether the answer was complete.
/// </summary>
internal sealed record ListsRead(ListRead[] Lists, SourceOutcome[] Outcomes, bool Complete);
