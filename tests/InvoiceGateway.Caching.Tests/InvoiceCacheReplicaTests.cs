using InvoiceGateway.Caching.Tests.Support;
using InvoiceGateway.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace InvoiceGateway.Caching.Tests;

/// <summary>Two replicas on one real Redis: shared copies, one read across replicas, invalidation, implausible values.</summary>
public sealed class InvoiceCacheReplicaTests
{
    private const string Key = "src:sendcloud:list";
    private static readonly CacheEntry Entry = CacheEntry.ForSource("sendcloud", new CachePolicy(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)).List;

    private readonly CountingUpstream _upstream = new();
    private readonly string _keyPrefix = Replica.NewKeyPrefix();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrReadAsync_WhenAnotherReplicaReadTheKey_AnswersFromRedisWithoutReading()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis.Configuration, _keyPrefix);
        using var second = new Replica(redis.Configuration, _keyPrefix);

        var read = await first.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        var shared = await second.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);

        Assert.Equal(CacheState.Miss, read.State);
        Assert.Equal(CacheState.Hit, shared.State);
        Assert.Equal(1, shared.Value.Version);
        Assert.Equal(read.StoredAt, shared.StoredAt);
        Assert.Equal(1, _upstream.Calls);
    }

    [Fact]
    public async Task GetOrReadAsync_WhenTwoReplicasMissConcurrently_ReadsOnceInTotal()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis.Configuration, _keyPrefix);
        using var second = new Replica(redis.Configuration, _keyPrefix);
        var gate = new TaskCompletionSource();

        var calls = Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => (i % 2 == 0 ? first : second).Cache.GetOrReadAsync(Key, Entry, _upstream.Gated(Key, gate.Task), Ct)))
            .ToArray();
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(_upstream.Calls >= 1), TimeSpan.FromSeconds(10)));
        gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, _upstream.Calls);
        Assert.Single(results.Select(r => r.Value.Version).Distinct());
        Assert.Contains(results, r => r.State == CacheState.Miss);
        Assert.Contains(results, r => r.State == CacheState.Hit); // the other replica waited and read it from Redis
    }

    [Fact]
    public async Task RemoveByTagAsync_OnOneReplica_DropsTheOtherReplicasCopy()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var first = new Replica(redis.Configuration, _keyPrefix);
        using var second = new Replica(redis.Configuration, _keyPrefix);
        await first.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        Assert.Equal(CacheState.Hit, (await second.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct)).State);

        var reach = await first.Cache.RemoveByTagAsync(CacheEntry.SourceTag("sendcloud"), Ct);

        Assert.Equal(InvalidationReach.All, reach);
        Assert.True(await Eventually.TrueAsync(
            async () => (await second.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct)).State == CacheState.Miss,
            TimeSpan.FromSeconds(10)), "the other replica kept its copy");
    }

    [Fact]
    public async Task RemoveByTagAsync_WhenRedisIsDown_ReportsThatOnlyThisReplicaWasReached()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var replica = new Replica(redis.Configuration, _keyPrefix);
        await replica.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        await redis.StopAsync();

        var reach = await replica.Cache.RemoveByTagAsync(CacheEntry.SourceTag("sendcloud"), Ct);

        Assert.Equal(InvalidationReach.Local, reach);
        Assert.False(replica.Cache.TryGetStale<Invoices>(Key, Entry, out _));
    }

    [Fact]
    public async Task GetOrReadAsync_WhenNotFound_WritesNothingToRedis()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var replica = new Replica(redis.Configuration, _keyPrefix);
        var entry = CacheEntry.ForSource("sendcloud", Entry.Policy, TimeSpan.FromSeconds(30)).Detail;
        const string missing = "src:sendcloud:inv:nope";
        const string found = "src:sendcloud:inv:1";

        await replica.Cache.GetOrReadAsync(missing, entry, _upstream.Answer(missing, missing: true), Ct);
        await replica.Cache.GetOrReadAsync(found, entry, _upstream.Answer(found), Ct);

        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(_keyPrefix + found));
        Assert.False(await connection.GetDatabase().KeyExistsAsync(_keyPrefix + missing));
    }

    public static TheoryData<string> Implausible => new()
    {
        // Not FusionCache's shape at all: no value.
        """{"invoices":[],"notices":[null]}""",
        // The value's own check fails (Key null).
        """{"Value":{"StoredAt":"2026-01-01T00:00:00+00:00","Version":7},"Timestamp":0,"LogicalExpirationTimestamp":5000000000000000000}""",
        // Read "in the future".
        """{"Value":{"Key":"src:sendcloud:list","StoredAt":"9999-12-31T23:59:59.9999999+00:00","Version":7},"Timestamp":0,"LogicalExpirationTimestamp":5000000000000000000}""",
        // Not JSON.
        "\u0001\u0002garbage",
    };

    [Theory]
    [MemberData(nameof(Implausible))]
    public async Task GetOrReadAsync_WhenRedisHoldsAnImplausibleCopy_TreatsItAsAMissReadsTheUpstreamAndLogsOnce(string stored)
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            // RedisCache's layout: a hash with the payload in "data", no expiry of its own.
            await connection.GetDatabase().HashSetAsync(_keyPrefix + Key, [new HashEntry("data", stored), new HashEntry("absexp", -1), new HashEntry("sldexp", -1)]);
        }

        using var replica = new Replica(redis.Configuration, _keyPrefix);
        var first = await replica.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);
        var second = await replica.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct);

        Assert.Equal(CacheState.Miss, first.State);
        Assert.Equal(1, first.Value.Version);
        Assert.Equal(CacheState.Hit, second.State);
        Assert.Equal(1, _upstream.Calls);
        Assert.Single(replica.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("not usable", StringComparison.Ordinal));

        // Overwritten: a new replica finds the good copy.
        using var fresh = new Replica(redis.Configuration, _keyPrefix);
        Assert.Equal(CacheState.Hit, (await fresh.Cache.GetOrReadAsync(Key, Entry, _upstream.Answer(Key), Ct)).State);
    }
}
