using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Sources;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// The one component that reads a source from its upstream and stores what it read in the cache. Everything that
/// reads a source goes through here: a request that finds no copy (FusionCache's factory), a
/// <c>Cache-Control: no-cache</c> request, the admin refresh, and the background sync
/// (<see cref="Sync.SyncScheduler"/>), which calls <see cref="RefreshListAsync"/> whenever a source's Ttl passes and
/// is the only thing that refreshes lists (FusionCache's eager refresh is left to details, and to lists only when the
/// sync is switched off). Every list read is compared with the last (<see cref="Sync.SourceChanges"/>). Reads of
/// one key in one replica are joined: whoever asks while a read is under way gets that read's result.
/// </summary>
internal sealed class SourceRefresher(InvoiceCache cache, Sync.SourceChanges changes, MemoryReclaimer reclaimer, TimeProvider time)
{
    /// <summary>The cached list of <paramref name="source"/>, read when there is no copy (see <see cref="InvoiceCache.GetOrReadAsync"/>).</summary>
    public Task<CacheResult<SourceSnapshot>> GetListAsync(SourceRuntime source, CancellationToken cancellationToken) =>
        cache.GetOrReadAsync(source.ListCacheKey, source.CacheEntries.List, _ => ReadListAsync(source, source.Settings.Timeout), cancellationToken);

    /// <summary>
    /// Reads the list of <paramref name="source"/> now (or joins the read under way) and stores it for every
    /// replica; the last good copy, as stale, when the read fails. The seam of the background sync, which gives a
    /// <paramref name="budget"/> of its own: nobody waits for its read, so a source larger than one request's timeout
    /// can still be read whole.
    /// </summary>
    public Task<CacheResult<SourceSnapshot>> RefreshListAsync(SourceRuntime source, CancellationToken cancellationToken, TimeSpan? budget = null) =>
        cache.ReadAgainAsync(source.ListCacheKey, source.CacheEntries.List, _ => ReadListAsync(source, budget ?? source.Settings.Timeout), cancellationToken);

    /// <summary>The cached detail of one invoice, read when there is no copy.</summary>
    public Task<CacheResult<InvoiceDetail>> GetDetailAsync(SourceRuntime source, string sourceId, CancellationToken cancellationToken) =>
        cache.GetOrReadAsync(source.DetailCacheKey(sourceId), source.CacheEntries.Detail, _ => ReadDetailAsync(source, sourceId), cancellationToken);

    /// <summary>Reads one invoice now (or joins the read under way) and stores it.</summary>
    public Task<CacheResult<InvoiceDetail>> RefreshDetailAsync(SourceRuntime source, string sourceId, CancellationToken cancellationToken) =>
        cache.ReadAgainAsync(source.DetailCacheKey(sourceId), source.CacheEntries.Detail, _ => ReadDetailAsync(source, sourceId), cancellationToken);

    /// <summary>When the copy of <paramref name="source"/>'s list in this replica's memory was read; <c>null</c> without one.</summary>
    public DateTimeOffset? ListReadAt(SourceRuntime source) =>
        cache.TryGetStale<SourceSnapshot>(source.ListCacheKey, source.CacheEntries.List, out var copy) ? copy.StoredAt : null;

    /// <summary>Drops every copy of the source in every replica it can reach.</summary>
    public Task<InvalidationReach> DropAsync(SourceRuntime source, CancellationToken cancellationToken) =>
        cache.RemoveByTagAsync(source.CacheTag, cancellationToken);

    /// <summary>
    /// Reads the whole list from the upstream within <paramref name="budget"/> (never bounded by one request: others may be
    /// waiting for it), compares it with the last read (<see cref="Sync.SourceChanges"/>: events and <c>changedAt</c>)
    /// and makes the copy to cache. A failed read is told to the sync too (<c>connection.failed</c>).
    /// </summary>
    private async Task<SourceSnapshot> ReadListAsync(SourceRuntime source, TimeSpan budget)
    {
        var read = 0;
        reclaimer.ReadStarted();
        try
        {
            var snapshot = await ReadAndCompareAsync(source, budget).ConfigureAwait(false);
            read = snapshot.Count;
            return snapshot;
        }
        finally
        {
            reclaimer.ReadEnded(read);
        }
    }

    private async Task<SourceSnapshot> ReadAndCompareAsync(SourceRuntime source, TimeSpan budget)
    {
        SourceListing listing;
        try
        {
            listing = await ReadBoundedAsync(source, budget, source.Reader.ListAsync).ConfigureAwait(false);
        }
        catch (UpstreamException ex)
        {
            await changes.FailedAsync(source, ex, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // One invoice per source id, whatever the adapter (a plug-in included) sent: paged and unpaged reads agree.
        listing = await changes.ApplyAsync(source, listing.WithoutDuplicates(), CancellationToken.None).ConfigureAwait(false);
        // Sorted and indexed as it is built (see SourceSnapshot), here, off any request.
        return new SourceSnapshot(listing.Invoices, listing.Notices, time.GetUtcNow());
    }

    private Task<InvoiceDetail> ReadDetailAsync(SourceRuntime source, string sourceId) =>
        ReadBoundedAsync(source, source.Settings.Timeout, async token =>
            new InvoiceDetail(await source.Reader.GetAsync(sourceId, token).ConfigureAwait(false), time.GetUtcNow()));

    /// <summary>One read of the upstream within <paramref name="budget"/>; a failed read is recorded for the source's health.</summary>
    private async Task<T> ReadBoundedAsync<T>(SourceRuntime source, TimeSpan budget, Func<CancellationToken, Task<T>> read)
    {
        using var bounded = new CancellationTokenSource(budget, time);
        try
        {
            return await read(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested)
        {
            var timedOut = TimedOut(source, budget);
            source.Client.ReadFailed(timedOut);
            throw timedOut;
        }
        catch (UpstreamException ex)
        {
            // Health follows the reads: a read the adapter refused (an upstream 404, say) is a failure, whatever the call's status.
            source.Client.ReadFailed(ex);
            throw;
        }
    }

    private static UpstreamException TimedOut(SourceRuntime source, TimeSpan budget) =>
        new(UpstreamErrorCodes.Timeout, $"Source '{source.Name}' did not answer within {budget.TotalSeconds:0.###} s.");
}
