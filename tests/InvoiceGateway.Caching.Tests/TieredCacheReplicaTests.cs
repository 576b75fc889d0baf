using InvoiceGateway.Caching.Tests.Support;
using InvoiceGateway.Testing;

namespace InvoiceGateway.Caching.Tests;

/// <summary>Two replicas, each with its own memory and Redis connection, sharing one real redis-server.</summary>
public sealed class TieredCacheReplicaTests
{
    private const string Key = "source:sendcloud:list";
    private static readonly CachePolicy Policy = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    private readonly FakeTimeProvider _time = new();
    private readonly CountingUpstream _upstream = new();
    private readonly string _keyPrefix = Replica.NewKeyPrefix();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrFetchAsync_WhenAnotherReplicaFetchedTheKey_AnswersFromRedisWithoutFetching()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis, _time, _keyPrefix);
        using var second = new Replica(redis, _time, _keyPrefix);
        var secondUpstream = new CountingUpstream();

        var fetched = await GetAsync(first, _upstream.Answer(Key));
        _time.Advance(TimeSpan.FromSeconds(30));
        var shared = await GetAsync(second, secondUpstream.Answer(Key));

        Assert.Equal(CacheState.Miss, fetched.State);
        Assert.Equal(CacheState.Hit, shared.State);
        Assert.Equal(fetched.Value, shared.Value);
        Assert.Equal(fetched.StoredAt, shared.StoredAt);
        Assert.Equal(0, secondUpstream.Calls);
        Assert.Equal(1, second.Cache.L1Count);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenManyCallersFindTheValueInRedis_DecodesItOnceAndThenServesMemory()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis, _time, _keyPrefix);
        using var second = new Replica(redis, _time, _keyPrefix);
        var codec = new CountingCodec();
        await first.Cache.GetOrFetchAsync(Key, Policy, _upstream.Answer(Key), codec, bypass: false, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(_ => Task.Run(() => second.Cache.GetOrFetchAsync(Key, Policy, _upstream.Answer(Key), codec, bypass: false, Ct))));

        Assert.Equal(1, codec.Encoded);
        Assert.Equal(1, codec.Decoded);
        Assert.Equal(1, _upstream.Calls);
        Assert.All(results, r => Assert.Equal(CacheState.Hit, r.State));
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenRedisCopyIsOlderThanTtl_FetchesAgain()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis, _time, _keyPrefix);
        using var second = new Replica(redis, _time, _keyPrefix);

        await GetAsync(first, _upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(1));
        var result = await GetAsync(second, _upstream.Answer(Key));

        Assert.Equal(CacheState.Miss, result.State);
        Assert.Equal(2, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrFetchAsync_When100CallersMissConcurrentlyWithRedis_FetchesOnce()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var replica = new Replica(redis, _time, _keyPrefix);

        var results = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => Task.Run(() => GetAsync(replica, _upstream.Answer(Key, TimeSpan.FromMilliseconds(200))))));

        Assert.Equal(1, _upstream.Calls);
        Assert.All(results, r => Assert.Equal(results[0].Value, r.Value));
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenTwoReplicasMissConcurrently_FetchesOnceInTotal()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis, _time, _keyPrefix);
        using var second = new Replica(redis, _time, _keyPrefix);
        var slowFetch = _upstream.Answer(Key, TimeSpan.FromMilliseconds(300));

        var results = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(i => Task.Run(() => GetAsync(i % 2 == 0 ? first : second, slowFetch))));

        Assert.Equal(1, _upstream.Calls);
        Assert.All(results, r => Assert.Equal(new Invoices(Key, 1), r.Value));
        Assert.Contains(results, r => r.State == CacheState.Miss);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenTheLockHolderNeverDelivers_FetchesAfterTheLockExpires()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        var options = new TieredCacheOptions { LockTimeout = TimeSpan.FromMilliseconds(500), LockPollInterval = TimeSpan.FromMilliseconds(50) };
        using var replica = new Replica(redis, _time, _keyPrefix, cacheOptions: options);
        // A replica that took the fetch lock and died: the lock is only released by its expiry.
        var orphan = await replica.Store.TryLockAsync("lock:" + Key, TimeSpan.FromMilliseconds(500), Ct);

        var result = await GetAsync(replica, _upstream.Answer(Key));

        Assert.NotNull(orphan);
        Assert.Equal(CacheState.Miss, result.State);
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenUpstreamFailsAndOnlyRedisHasACopy_ServesItAsStale()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis, _time, _keyPrefix);
        using var second = new Replica(redis, _time, _keyPrefix);
        var good = await GetAsync(first, _upstream.Answer(Key));
        _time.Advance(TimeSpan.FromMinutes(10));
        var error = new HttpRequestException("circuit open");

        var result = await GetAsync(second, _upstream.Fail(error));

        Assert.Equal(CacheState.Stale, result.State);
        Assert.Equal(good.Value, result.Value);
        Assert.Equal(good.StoredAt, result.StoredAt);
        Assert.Same(error, result.Error);
        Assert.True(second.Cache.TryGetStale<Invoices>(Key, Policy, out _));
    }

    [Fact]
    public async Task InvalidateAsync_OnOneReplica_DropsTheOtherReplicasMemoryAndRedisCopies()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis, _time, _keyPrefix);
        using var second = new Replica(redis, _time, _keyPrefix);
        await GetAsync(first, _upstream.Answer(Key));
        await GetAsync(second, _upstream.Answer(Key));
        await GetAsync(second, _upstream.Answer("source:goscore:list"), "source:goscore:list");

        await first.Cache.InvalidateAsync("source:sendcloud:", Ct);

        Assert.True(await Eventually.TrueAsync(() => !second.Cache.TryGetStale<Invoices>(Key, Policy, out _), TimeSpan.FromSeconds(10)));
        Assert.True(second.Cache.TryGetStale<Invoices>("source:goscore:list", Policy, out _));
        Assert.Null(await second.Store.GetAsync(Key, Ct));
        var refetched = await GetAsync(second, _upstream.Answer(Key));
        Assert.Equal(CacheState.Miss, refetched.State);
    }

    private static Task<CacheResult<Invoices>> GetAsync(Replica replica, Func<CancellationToken, Task<Invoices>> fetch, string key = Key) =>
        replica.Cache.GetOrFetchAsync(key, Policy, fetch, CountingUpstream.Codec, bypass: false, Ct);
}
