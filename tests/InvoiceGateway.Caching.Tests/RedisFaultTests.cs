using InvoiceGateway.Caching.Tests.Support;
using InvoiceGateway.Testing;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Caching.Tests;

/// <summary>Redis killed, hanging, absent at start and restarted: no caller ever fails because of it.</summary>
public sealed class RedisFaultTests
{
    private const string Unavailable = "Redis unavailable";
    private const string AvailableAgain = "Redis available again";
    private static readonly CachePolicy Policy = new(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    private readonly CountingUpstream _upstream = new();
    private readonly string _keyPrefix = Replica.NewKeyPrefix();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrFetchAsync_WhenRedisIsKilledWhileRequestsFlow_NoRequestFailsAndTheOutageIsLoggedOnce()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        // The fake clock never reaches the end of the backoff: one outage, one warning.
        using var replica = new Replica(redis, new FakeTimeProvider(), _keyPrefix);
        var completed = 0;
        var completedAfterKill = 0;
        var failures = 0;
        var wrongValues = 0;
        var killed = new TaskCompletionSource();
        Task? kill = null;

        async Task Worker(int worker)
        {
            for (var i = 0; Volatile.Read(ref completed) < 200 || Volatile.Read(ref completedAfterKill) < 50; i++)
            {
                // Half the keys repeat (memory hits), half are new (misses that go through Redis).
                var key = i % 2 == 0 ? $"source:s{worker}:list" : $"source:s{worker}:invoice:{i}";
                var afterKill = killed.Task.IsCompleted;
                try
                {
                    var result = await replica.Cache.GetOrFetchAsync(key, Policy, _upstream.Answer(key), CountingUpstream.Codec, bypass: false, Ct);
                    if (result.Value.Key != key)
                    {
                        Interlocked.Increment(ref wrongValues);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !Ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures);
                }

                if (Interlocked.Increment(ref completed) == 50)
                {
                    kill = Task.Run(async () =>
                    {
                        await redis.StopAsync();
                        killed.SetResult();
                    });
                }

                if (afterKill)
                {
                    Interlocked.Increment(ref completedAfterKill);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() => Worker(w))));
        await kill!;

        Assert.Equal(0, failures);
        Assert.Equal(0, wrongValues);
        Assert.True(Volatile.Read(ref completed) >= 200);
        Assert.False(replica.Store.IsAvailable);
        Assert.Equal(1, replica.Logs.Count(LogLevel.Warning, Unavailable));
    }

    [Fact]
    public async Task GetOrFetchAsync_AfterRedisRestarts_WritesToRedisAgainWithoutANewCache()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        var storeOptions = new RedisStoreOptions { BackoffDuration = TimeSpan.FromMilliseconds(200), OperationTimeout = TimeSpan.FromSeconds(2) };
        using var replica = new Replica(redis, TimeProvider.System, _keyPrefix, storeOptions);
        await GetAsync(replica, "before");
        Assert.NotNull(await replica.Store.GetAsync("before", Ct));

        await redis.StopAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(CacheState.Miss, (await GetAsync(replica, $"during:{i}")).State);
        }

        var wentDown = !replica.Store.IsAvailable;
        await redis.RestartAsync(Ct);
        var attempt = 0;
        var writtenAgain = await Eventually.TrueAsync(
            async () =>
            {
                var key = $"after:{attempt++}";
                await GetAsync(replica, key);
                return await replica.Store.GetAsync(key, Ct) is not null;
            },
            TimeSpan.FromSeconds(60));

        Assert.True(wentDown);
        Assert.True(writtenAgain);
        Assert.True(replica.Store.IsAvailable);
        Assert.Equal(1, replica.Logs.Count(LogLevel.Warning, Unavailable));
        Assert.Equal(1, replica.Logs.Count(LogLevel.Information, AvailableAgain));
    }

    [Fact]
    public async Task GetOrFetchAsync_WhenRedisHangs_AnswersFromTheUpstreamAndBacksOff()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        var storeOptions = new RedisStoreOptions { OperationTimeout = TimeSpan.FromMilliseconds(200) };
        using var replica = new Replica(redis, new FakeTimeProvider(), _keyPrefix, storeOptions);
        await GetAsync(replica, "warm");

        await redis.PauseAsync();
        try
        {
            var results = new List<CacheResult<Invoices>>();
            for (var i = 0; i < 5; i++)
            {
                results.Add(await GetAsync(replica, $"while-hung:{i}"));
            }

            Assert.All(results, r => Assert.Equal(CacheState.Miss, r.State));
            Assert.False(replica.Store.IsAvailable);
            Assert.Equal(1, replica.Logs.Count(LogLevel.Warning, Unavailable));
        }
        finally
        {
            await redis.ResumeAsync();
        }

        // A readiness ping ends the backoff at once when Redis answers again.
        Assert.True(await Eventually.TrueAsync(() => replica.Store.PingAsync(Ct), TimeSpan.FromSeconds(30)));
        Assert.True(replica.Store.IsAvailable);
    }

    [Fact]
    public async Task Connect_WhenRedisIsDown_AnswersFallbacksThenConnectsOnceItIsUp()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        await redis.StopAsync();
        var storeOptions = new RedisStoreOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500), BackoffDuration = TimeSpan.FromMilliseconds(200) };
        using var replica = new Replica(redis, TimeProvider.System, _keyPrefix, storeOptions);

        var read = await replica.Store.GetAsync("k", Ct);
        await replica.Store.SetAsync("k", [1], TimeSpan.FromMinutes(1), Ct);
        var lockWhileDown = await replica.Store.TryLockAsync("lock:k", TimeSpan.FromSeconds(1), Ct);
        var pingWhileDown = await replica.Store.PingAsync(Ct);
        var served = await GetAsync(replica, "k");

        Assert.Null(read);
        Assert.NotNull(lockWhileDown);
        Assert.False(pingWhileDown);
        Assert.False(replica.Store.IsAvailable);
        Assert.Equal(CacheState.Miss, served.State);

        await redis.RestartAsync(Ct);
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                await replica.Store.SetAsync("k", [7], TimeSpan.FromMinutes(1), Ct);
                return await replica.Store.GetAsync("k", Ct) is [7];
            },
            TimeSpan.FromSeconds(60)));
        Assert.Equal(1, replica.Logs.Count(LogLevel.Warning, Unavailable));
        Assert.Equal(1, replica.Logs.Count(LogLevel.Information, AvailableAgain));
    }

    [Fact]
    public async Task InvalidateAsync_AfterRedisRestarts_StillReachesTheOtherReplica()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        var time = new FakeTimeProvider();
        using var first = new Replica(redis, time, _keyPrefix);
        using var second = new Replica(redis, time, _keyPrefix);
        await redis.StopAsync();
        await redis.RestartAsync(Ct);
        Assert.True(await Eventually.TrueAsync(() => first.Store.PingAsync(Ct), TimeSpan.FromSeconds(60)));
        Assert.True(await Eventually.TrueAsync(() => second.Store.PingAsync(Ct), TimeSpan.FromSeconds(60)));
        await GetAsync(second, "source:x:list");

        // The subscription is re-established by the client after the reconnect, a moment after the connection.
        var dropped = await Eventually.TrueAsync(
            async () =>
            {
                await first.Cache.InvalidateAsync("source:x:", Ct);
                return !second.Cache.TryGetStale<Invoices>("source:x:list", Policy, out _);
            },
            TimeSpan.FromSeconds(30));

        Assert.True(dropped);
    }

    private Task<CacheResult<Invoices>> GetAsync(Replica replica, string key) =>
        replica.Cache.GetOrFetchAsync(key, Policy, _upstream.Answer(key), CountingUpstream.Codec, bypass: false, Ct);
}
