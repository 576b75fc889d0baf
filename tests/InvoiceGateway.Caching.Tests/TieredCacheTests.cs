using System.Diagnostics.Metrics;
using InvoiceGateway.Caching.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace InvoiceGateway.Caching.Tests;

/// <summary>The cache on its own (memory only), with a fake clock.</summary>
public sealed class TieredCacheTests : IDisposable
{
    private const string Key = "source:goscore:list";
    private static readonly CachePolicy Policy = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    private readonly FakeTimeProvider _time = new();
    private readonly CountingUpstream _upstream = new();
    private readonly TieredCache _cache;

    public TieredCacheTests()
    {
        _cache = new TieredCache(null, _time, NullLogger<TieredCache>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task GetOrFetchAsync_WhenKeyIsCold_FetchesAndReportsMiss()
    {
        var result = await GetAsync(_upstream.Answer(Key));

        Assert.Equal(CacheState.Miss, result.State);
        Assert.Equal(new Invoices(Key, 1), result.Value);
        Assert.Equal(_time.GetUtcNow(), result.StoredAt);
        Assert.Null(result.Error);
        Assert.Equal(1, _upstream.Calls);
        Assert.Equal(1, _cache.L1Count);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenFreshInMemory_ReturnsHitWithoutFetching()
    {
        var first = await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromSeconds(59));

        var second = await GetAsync(_upstream.Answer(Key));

        Assert.Equal(CacheState.Hit, second.State);
        Assert.Same(first.Value, second.Value);
        Assert.Equal(first.StoredAt, second.StoredAt);
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenHitTwice_ReturnsTheSameResultObject()
    {
        await GetAsync(_upstream.Answer(Key));

        var first = await GetAsync(_upstream.Answer(Key));
        var second = await GetAsync(_upstream.Answer(Key));

        Assert.Equal(CacheState.Hit, first.State);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenFreshInMemory_AllocatesNothing()
    {
        var fetch = _upstream.Answer(Key);
        await GetAsync(fetch);
        await GetAsync(fetch);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = _cache.GetOrFetchAsync(Key, Policy, fetch, CountingUpstream.Codec, bypass: false, CancellationToken.None);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenOlderThanTtl_FetchesAgainAndReportsMiss()
    {
        await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await GetAsync(_upstream.Answer(Key));

        Assert.Equal(CacheState.Miss, result.State);
        Assert.Equal(2, result.Value.Version);
        Assert.Equal(_time.GetUtcNow(), result.StoredAt);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenFetchFailsWithinStaleTtl_ReturnsStaleCopyWithTheError()
    {
        var good = await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(30));
        var error = new HttpRequestException("upstream down");

        var result = await GetAsync(_upstream.Fail(error));

        Assert.Equal(CacheState.Stale, result.State);
        Assert.Same(good.Value, result.Value);
        Assert.Equal(good.StoredAt, result.StoredAt);
        Assert.Same(error, result.Error);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenUpstreamKeepsFailing_ServesStaleUntilStaleTtlThenRethrows()
    {
        await GetAsync(_upstream.Answer(Key));
        var error = new TimeoutException("upstream slow");

        _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var lastStale = await GetAsync(_upstream.Fail(error));
        _time.Advance(TimeSpan.FromSeconds(1));
        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => GetAsync(_upstream.Fail(error)));

        Assert.Equal(CacheState.Stale, lastStale.State);
        Assert.Same(error, thrown);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenColdAndFetchFails_RethrowsTheOriginalException()
    {
        var error = new InvalidOperationException("bad payload");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => GetAsync(_upstream.Fail(error)));

        Assert.Same(error, thrown);
        Assert.Equal(0, _cache.L1Count);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenFetchTimesOutByItself_ServesStaleCopy()
    {
        await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(5));

        // The fetch's own timeout surfaces as a cancellation that is not the caller's: a failure like any other.
        var result = await GetAsync(_upstream.Fail(new TaskCanceledException("attempt timed out")));

        Assert.Equal(CacheState.Stale, result.State);
        Assert.IsType<TaskCanceledException>(result.Error);
    }

    [Fact]
    public async Task GetOrFetchAsync_When100CallersMissConcurrently_FetchesOnce()
    {
        var gate = new TaskCompletionSource();
        using var joined = new CountdownEvent(100);
        var callers = Enumerable.Range(0, 100).Select(_ => Task.Run(() =>
        {
            var call = GetAsync(_upstream.Gated(Key, gate.Task));
            joined.Signal();
            return call;
        })).ToArray();

        // Every caller has missed and is waiting before the upstream answers.
        Assert.True(joined.Wait(TimeSpan.FromSeconds(30), Ct));
        gate.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, _upstream.Calls);
        Assert.All(results, r => Assert.Equal(CacheState.Miss, r.State));
        Assert.All(results, r => Assert.Same(results[0].Value, r.Value));
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenOneWaiterIsCancelled_TheSharedFetchStillAnswersTheOthers()
    {
        var gate = new TaskCompletionSource();
        CancellationToken fetchToken = default;
        using var giveUp = new CancellationTokenSource();
        Task<Invoices> Fetch(CancellationToken token)
        {
            fetchToken = token;
            return _upstream.Gated(Key, gate.Task)(token);
        }

        var impatient = _cache.GetOrFetchAsync(Key, Policy, Fetch, CountingUpstream.Codec, bypass: false, giveUp.Token);
        var patient = _cache.GetOrFetchAsync(Key, Policy, Fetch, CountingUpstream.Codec, bypass: false, Ct);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        gate.SetResult();
        var answered = await patient;
        var later = await GetAsync(_upstream.Answer(Key));

        Assert.False(fetchToken.IsCancellationRequested);
        Assert.Equal(CacheState.Miss, answered.State);
        Assert.Equal(CacheState.Hit, later.State);
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenBypassing_FetchesDespiteAFreshCopyAndStoresTheNewValue()
    {
        await GetAsync(_upstream.Answer(Key));

        var bypassed = await GetAsync(_upstream.Answer(Key), bypass: true);
        var after = await GetAsync(_upstream.Answer(Key));

        Assert.Equal(CacheState.Miss, bypassed.State);
        Assert.Equal(2, bypassed.Value.Version);
        Assert.Equal(CacheState.Hit, after.State);
        Assert.Same(bypassed.Value, after.Value);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenBypassFetchFails_ReturnsTheCopyAsStale()
    {
        var good = await GetAsync(_upstream.Answer(Key));
        var error = new HttpRequestException("503");

        var result = await GetAsync(_upstream.Fail(error), bypass: true);

        Assert.Equal(CacheState.Stale, result.State);
        Assert.Same(good.Value, result.Value);
        Assert.Same(error, result.Error);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenBypassingConcurrently_SharesOneFetch()
    {
        var gate = new TaskCompletionSource();
        var callers = Enumerable.Range(0, 10).Select(_ => GetAsync(_upstream.Gated(Key, gate.Task), bypass: true)).ToArray();
        gate.SetResult();

        var results = await Task.WhenAll(callers);

        Assert.Equal(1, _upstream.Calls);
        Assert.All(results, r => Assert.Equal(CacheState.Miss, r.State));
    }

    [Fact]
    public async Task TryGetStale_WhenYoungerThanTtl_ReturnsHit()
    {
        await GetAsync(_upstream.Answer(Key));

        Assert.True(_cache.TryGetStale<Invoices>(Key, Policy, out var result));
        Assert.Equal(CacheState.Hit, result.State);
    }

    [Fact]
    public async Task TryGetStale_WhenOlderThanTtl_ReturnsStaleWithoutFetching()
    {
        var good = await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(_cache.TryGetStale<Invoices>(Key, Policy, out var result));
        Assert.Equal(CacheState.Stale, result.State);
        Assert.Same(good.Value, result.Value);
        Assert.Null(result.Error);
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task TryGetStale_WhenOlderThanStaleTtl_ReturnsFalseAndDropsTheEntry()
    {
        await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromHours(1));

        Assert.False(_cache.TryGetStale<Invoices>(Key, Policy, out var result));
        Assert.Null(result);
        Assert.Equal(0, _cache.L1Count);
    }

    [Fact]
    public void TryGetStale_WhenAbsent_ReturnsFalse()
    {
        Assert.False(_cache.TryGetStale<Invoices>(Key, Policy, out _));
    }

    [Fact]
    public async Task InvalidateAsync_WhenPrefixMatches_DropsOnlyThoseKeys()
    {
        await GetAsync(_upstream.Answer("source:a:list"), "source:a:list");
        await GetAsync(_upstream.Answer("source:a:invoice:1"), "source:a:invoice:1");
        await GetAsync(_upstream.Answer("source:ab:list"), "source:ab:list");

        await _cache.InvalidateAsync("source:a:", Ct);

        Assert.Equal(1, _cache.L1Count);
        Assert.True(_cache.TryGetStale<Invoices>("source:ab:list", Policy, out _));
        Assert.Equal(CacheState.Miss, (await GetAsync(_upstream.Answer("source:a:list"), "source:a:list")).State);
    }

    [Fact]
    public async Task InvalidateAsync_WhenAFetchIsUnderWay_AnswersItButDoesNotCacheIt()
    {
        var gate = new TaskCompletionSource();
        var underWay = GetAsync(_upstream.Gated(Key, gate.Task));

        await _cache.InvalidateAsync("source:", Ct);
        gate.SetResult();
        var answered = await underWay;
        var next = await GetAsync(_upstream.Answer(Key));

        Assert.Equal(CacheState.Miss, answered.State);
        Assert.Equal(CacheState.Miss, next.State);
        Assert.Equal(2, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenMemoryIsFull_DropsTheOldestEntries()
    {
        using var cache = new TieredCache(null, _time, NullLogger<TieredCache>.Instance, new TieredCacheOptions { MaxL1Entries = 100 });
        for (var i = 0; i < 250; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            var key = $"k{i}";
            await cache.GetOrFetchAsync(key, Policy, _upstream.Answer(key), CountingUpstream.Codec, bypass: false, Ct);
        }

        Assert.InRange(cache.L1Count, 1, 100);
        Assert.True(cache.TryGetStale<Invoices>("k249", Policy, out _));
        Assert.False(cache.TryGetStale<Invoices>("k0", Policy, out _));
    }

    [Fact]
    public async Task GetOrFetchAsync_RecordsHitsMissesAndStaleTaggedByLevel()
    {
        var measurements = new List<(string Name, long Value, string? Level)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TieredCache.MeterName && ReferenceEquals(instrument.Meter.Scope, _cache))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, (string?)tags.ToArray().Single(t => t.Key == "level").Value));
            }
        });
        listener.Start();

        await GetAsync(_upstream.Answer(Key));
        await GetAsync(_upstream.Answer(Key));
        await GetAsync(_upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(2));
        await GetAsync(_upstream.Fail(new HttpRequestException("down")));

        Assert.Equal(
            [("invoicegateway.cache.misses", 1L, "l1"), ("invoicegateway.cache.hits", 1L, "l1"), ("invoicegateway.cache.hits", 1L, "l1"), ("invoicegateway.cache.stale", 1L, "l1")],
            measurements.Select(m => (m.Name, m.Value, m.Level)).ToArray());
    }

    [Fact]
    public void CachePolicy_WhenStaleTtlIsShorterThanTtl_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachePolicy(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1)));
    }

    private Task<CacheResult<Invoices>> GetAsync(Func<CancellationToken, Task<Invoices>> fetch, string key = Key) =>
        _cache.GetOrFetchAsync(key, Policy, fetch, CountingUpstream.Codec, bypass: false, Ct);

    private Task<CacheResult<Invoices>> GetAsync(Func<CancellationToken, Task<Invoices>> fetch, bool bypass) =>
        _cache.GetOrFetchAsync(Key, Policy, fetch, CountingUpstream.Codec, bypass, Ct);
}
