using System.Diagnostics.Metrics;
using InvoiceGateway.Caching.Tests.Support;

namespace InvoiceGateway.Caching.Tests;

/// <summary>One replica, memory only: hit, miss, stale, joined reads, tags and "not found".</summary>
public sealed class InvoiceCacheTests : IDisposable
{
    private const string Key = "src:sendcloud:list";
    private static readonly CacheEntry Entry = CacheEntry.ForSource("sendcloud", new CachePolicy(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)).List;

    // Short enough to pass while a test waits (FusionCache keeps its own clock).
    // The cache's own refresh of a list past its Ttl, as with the gateway's sync switched off.
    private static readonly CacheEntry ShortLived = CacheEntry.ForSource("goscore", new CachePolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30), listKeptWarm: false).List;

    // A list the gateway's sync keeps warm: the cache never reads it again by itself.
    private static readonly CacheEntry KeptWarm = CacheEntry.ForSource("goscore", new CachePolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)).List;

    private readonly Replica _replica = new(redis: null, Replica.NewKeyPrefix());
    private readonly CountingUpstream _upstream = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private InvoiceCache Cache => _replica.Cache;

    public void Dispose() => _replica.Dispose();

    [Fact]
    public async Task GetOrReadAsync_WhenKeyIsCold_ReadsAndReportsMiss_ThenHitWithoutReading()
    {
        var miss = await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        var hit = await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);

        Assert.Equal(CacheState.Miss, miss.State);
        Assert.Equal(CacheState.Hit, hit.State);
        Assert.Same(miss.Value, hit.Value);
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrReadAsync_WhenOlderThanTtl_AnswersTheCopyWithoutWaitingWhileItIsReadAgain()
    {
        const string key = "src:goscore:list";
        var first = await Cache.GetOrReadAsync(key, ShortLived, _upstream.Answer(key), Ct);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow - first.StoredAt > TimeSpan.FromMilliseconds(250)), TimeSpan.FromSeconds(5)));

        // The read again never finishes during this call: the call can only return the copy it has.
        var gate = new TaskCompletionSource();
        var served = await Cache.GetOrReadAsync(key, ShortLived, _upstream.Gated(key, gate.Task), Ct);
        Assert.Same(first.Value, served.Value);
        Assert.Equal(CacheState.Stale, served.State);
        Assert.Null(served.Error);

        gate.SetResult();
        Assert.True(await Eventually.TrueAsync(
            async () => (await Cache.GetOrReadAsync(key, ShortLived, _upstream.Answer(key), Ct)).Value.Version == 2,
            TimeSpan.FromSeconds(10)), "the background read never replaced the copy");
        Assert.Equal(2, _upstream.Calls);
    }

    [Fact]
    public async Task KeptWarmList_OlderThanTtl_IsAnsweredStaleWithoutAnyRead_UntilReadAgainReplacesIt()
    {
        const string key = "src:goscore:list";
        var first = await Cache.GetOrReadAsync(key, KeptWarm, _upstream.Answer(key), Ct);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow - first.StoredAt > TimeSpan.FromMilliseconds(250)), TimeSpan.FromSeconds(5)));

        for (var i = 0; i < 5; i++)
        {
            var served = await Cache.GetOrReadAsync(key, KeptWarm, _upstream.Answer(key), Ct);
            Assert.Same(first.Value, served.Value);
            Assert.Equal(CacheState.Stale, served.State);
        }

        Assert.Equal(1, _upstream.Calls);
        var read = await Cache.ReadAgainAsync(key, KeptWarm, _upstream.Answer(key), Ct);
        Assert.Equal(2, read.Value.Version);
        Assert.Same(read.Value, (await Cache.GetOrReadAsync(key, KeptWarm, _upstream.Answer(key), Ct)).Value);
        Assert.Equal(2, _upstream.Calls);
    }

    [Fact]
    public async Task TryGetFresh_AnswersOnlyACopyYoungerThanTtl_AndNeverReads()
    {
        const string key = "src:goscore:list";
        Assert.False(Cache.TryGetFresh<Invoices>(key, ShortLived, out _)); // nothing cached: the caller reads through the cache

        var first = await Cache.GetOrReadAsync(key, ShortLived, _upstream.Answer(key), Ct);
        Assert.True(Cache.TryGetFresh<Invoices>(key, ShortLived, out var fresh));
        Assert.Same(first.Value, fresh);

        // Past its Ttl the copy is what GetOrReadAsync answers as stale (starting its read again): not a fast-path answer.
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow - first.StoredAt > TimeSpan.FromMilliseconds(250)), TimeSpan.FromSeconds(5)));
        Assert.False(Cache.TryGetFresh<Invoices>(key, ShortLived, out _));
        Assert.Equal(1, _upstream.Calls);

        await Cache.RemoveByTagAsync(CacheEntry.SourceTag("goscore"), Ct);
        Assert.False(Cache.TryGetFresh<Invoices>(key, ShortLived, out _));
    }

    [Fact]
    public async Task Stamp_StaysCurrentUntilItsCopyIsSetOrItsTagRemoved_AndIsFreshOnlyWithinTtl()
    {
        const string key = "src:goscore:list";
        Assert.True(Cache.SeesEveryChange);
        var cold = Cache.Stamp(key, KeptWarm);
        var other = Cache.Stamp(Key, Entry); // another source's list
        var first = await Cache.GetOrReadAsync(key, KeptWarm, _upstream.Answer(key), Ct);
        Assert.False(cold.IsCurrent); // stored after the stamp

        var stamp = Cache.Stamp(key, KeptWarm);
        Assert.True(Cache.TryGetFresh<Invoices>(key, KeptWarm, out _));
        Assert.True((await Cache.GetOrReadAsync(key, KeptWarm, _upstream.Answer(key), Ct)).State == CacheState.Hit);
        Assert.True(stamp.IsCurrent); // reads change nothing
        Assert.True(Cache.IsFresh(first.Value.StoredAt, KeptWarm));

        await Cache.ReadAgainAsync(key, KeptWarm, _upstream.Answer(key), Ct);
        Assert.False(stamp.IsCurrent);

        stamp = Cache.Stamp(key, KeptWarm);
        await Cache.RemoveByTagAsync(CacheEntry.SourceTag("goscore"), Ct);
        Assert.False(stamp.IsCurrent);
        Assert.True(other.IsCurrent); // neither the other key's copy nor its tag changed

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow - first.Value.StoredAt > TimeSpan.FromMilliseconds(250)), TimeSpan.FromSeconds(5)));
        Assert.False(Cache.IsFresh(first.Value.StoredAt, KeptWarm));
    }

    [Fact]
    public async Task GetOrReadAsync_WhenTheReadFailsAfterTtl_AnswersTheCopyAsStaleWithTheError()
    {
        const string key = "src:goscore:list";
        var first = await Cache.GetOrReadAsync(key, ShortLived, _upstream.Answer(key), Ct);
        var failure = new InvalidOperationException("upstream down");

        CacheResult<Invoices>? stale = null;
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                stale = await Cache.GetOrReadAsync(key, ShortLived, _upstream.Fail(failure), Ct);
                return stale.Error is not null;
            },
            TimeSpan.FromSeconds(10)), "the failure never showed");

        Assert.Equal(CacheState.Stale, stale!.State);
        Assert.Same(failure, stale.Error);
        Assert.Same(first.Value, stale.Value);
    }

    [Fact]
    public async Task GetOrReadAsync_WhenColdAndTheReadFails_ThrowsTheReadsException()
    {
        var failure = new TimeoutException("slow upstream");

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => Cache.GetOrReadAsync(Key, Entry, _upstream.Fail(failure), Ct));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task GetOrReadAsync_When100CallersMissConcurrently_ReadsOnceAndEveryCallerWaitedForThatRead()
    {
        var gate = new TaskCompletionSource();
        var asked = 0;
        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            // The call has begun (and noted when) once it hands back its task.
            var call = Cache.GetOrReadAsync(Key, Entry, _upstream.Gated(Key, gate.Task), Ct);
            Interlocked.Increment(ref asked);
            return await call;
        })).ToArray();
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref asked) == 100 && _upstream.Calls == 1), TimeSpan.FromSeconds(10)));
        gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, _upstream.Calls);
        // A miss is an answer that began before the read finished: they all overlapped the one read.
        Assert.All(results, r => Assert.Equal(CacheState.Miss, r.State));
        Assert.Single(results.Select(r => r.Value).Distinct());
    }

    [Fact]
    public async Task ReadAgainAsync_WhileAReadIsUnderWay_JoinsItInsteadOfStartingAnother()
    {
        var gate = new TaskCompletionSource();
        var cold = Cache.GetOrReadAsync(Key, Entry, _upstream.Gated(Key, gate.Task), Ct);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(_upstream.Calls == 1), TimeSpan.FromSeconds(10)));
        var bypassing = Enumerable.Range(0, 10).Select(_ => Cache.ReadAgainAsync(Key, Entry, _upstream.Answer(Key), Ct)).ToArray();
        gate.SetResult();

        var results = await Task.WhenAll(bypassing.Append(cold));

        Assert.Equal(1, _upstream.Calls);
        Assert.All(results, r => Assert.Equal(CacheState.Miss, r.State));
    }

    [Fact]
    public async Task ReadAgainAsync_WithAFreshCopy_ReadsAndStoresTheNewValue()
    {
        await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);

        var bypassed = await Cache.ReadAgainAsync(Key, Entry, _upstream.Answer(Key), Ct);
        var after = await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);

        Assert.Equal(CacheState.Miss, bypassed.State);
        Assert.Equal(2, bypassed.Value.Version);
        Assert.Equal(CacheState.Hit, after.State);
        Assert.Equal(2, after.Value.Version);
    }

    [Fact]
    public async Task ReadAgainAsync_WhenTheReadFails_AnswersTheCopyAsStaleWithTheError()
    {
        await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        var failure = new InvalidOperationException("down");

        var result = await Cache.ReadAgainAsync(Key, Entry, _upstream.Fail(failure), Ct);

        Assert.Equal(CacheState.Stale, result.State);
        Assert.Same(failure, result.Error);
        Assert.Equal(1, result.Value.Version);
    }

    [Fact]
    public async Task RemoveByTagAsync_DropsOnlyTheSourcesEntries()
    {
        var other = CacheEntry.ForSource("sendcloud2", Entry.Policy, TimeSpan.FromSeconds(30)).List;
        await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        await Cache.GetOrReadAsync("src:sendcloud2:list", other, _upstream.Answer("src:sendcloud2:list"), Ct);

        var reach = await Cache.RemoveByTagAsync(CacheEntry.SourceTag("sendcloud"), Ct);

        Assert.Equal(InvalidationReach.All, reach);
        Assert.False(Cache.TryGetStale<Invoices>(Key, Entry, out _));
        Assert.True(Cache.TryGetStale<Invoices>("src:sendcloud2:list", other, out _));
        Assert.Equal(CacheState.Miss, (await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct)).State);
    }

    [Fact]
    public async Task GetOrReadAsync_WhenNotFound_KeepsTheAnswerOnlyBriefly()
    {
        var entry = CacheEntry.ForSource("sendcloud", new CachePolicy(TimeSpan.FromMilliseconds(300), TimeSpan.FromDays(1)), TimeSpan.FromSeconds(30)).Detail;
        const string key = "src:sendcloud:inv:nope";
        await Cache.GetOrReadAsync(key, entry, _upstream.Answer(key, missing: true), Ct);
        Assert.Equal(CacheState.Hit, (await Cache.GetOrReadAsync(key, entry, _upstream.Answer(key, missing: true), Ct)).State);

        // Gone after its short life (no fail-safe copy is kept for it).
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(!Cache.TryGetStale<Invoices>(key, entry, out _)), TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrReadAsync_RecordsHitsMissesAndStale()
    {
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InvoiceCache.MeterName && ReferenceEquals(instrument.Meter.Scope, Cache))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (counts)
            {
                counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        await Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        await Cache.ReadAgainAsync(Key, Entry, _upstream.Fail(new InvalidOperationException()), Ct);

        Assert.Equal(1, counts["invoicegateway.cache.misses"]);
        Assert.Equal(1, counts["invoicegateway.cache.hits"]);
        Assert.Equal(1, counts["invoicegateway.cache.stale"]);
    }
}
