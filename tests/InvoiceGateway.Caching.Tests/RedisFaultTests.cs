using InvoiceGateway.Caching.Tests.Support;
using InvoiceGateway.Testing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace InvoiceGateway.Caching.Tests;

/// <summary>Redis killed, frozen and restarted: no caller ever fails because of it.</summary>
public sealed class RedisFaultTests
{
    private const string Unavailable = "Redis unavailable";
    private static readonly CacheEntry Entry = CacheEntry.ForSource("s", new CachePolicy(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)).Detail;

    private readonly CountingUpstream _upstream = new();
    private readonly string _keyPrefix = Replica.NewKeyPrefix();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetOrReadAsync_WhenRedisIsKilledWhileRequestsFlow_NoRequestFailsAndTheOutageIsLoggedOnce()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var replica = new Replica(redis.Configuration, _keyPrefix);
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
                var key = i % 2 == 0 ? $"src:s:inv:w{worker}" : $"src:s:inv:w{worker}-{i}";
                var afterKill = killed.Task.IsCompleted;
                try
                {
                    var result = await replica.Cache.GetOrReadAsync(key, Entry, _upstream.Answer(key), Ct);
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
        Assert.Equal(1, replica.Logs.Count(LogLevel.Warning, Unavailable));
    }

    [Fact]
    public async Task GetOrReadAsync_AfterRedisRestarts_WritesToRedisAgainWithoutANewCache()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var replica = new Replica(redis.Configuration, _keyPrefix);
        await replica.Cache.GetOrReadAsync("src:s:inv:before", Entry, _upstream.Answer("src:s:inv:before"), Ct);
        await redis.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            var key = $"src:s:inv:during{i}";
            Assert.Equal(CacheState.Miss, (await replica.Cache.GetOrReadAsync(key, Entry, _upstream.Answer(key), Ct)).State);
        }

        await redis.RestartAsync(Ct);
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var attempt = 0;
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                var key = $"src:s:inv:after{attempt++}";
                await replica.Cache.GetOrReadAsync(key, Entry, _upstream.Answer(key), Ct);
                return await connection.GetDatabase().KeyExistsAsync(_keyPrefix + key);
            },
            TimeSpan.FromSeconds(30)), "the cache never wrote to the restarted Redis");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(replica.Logs.Count(LogLevel.Information, "Redis available again") >= 1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetOrReadAsync_WhenRedisIsFrozen_AnswersFromTheUpstream()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var replica = new Replica(redis.Configuration, _keyPrefix);
        await replica.Cache.GetOrReadAsync("src:s:inv:warm", Entry, _upstream.Answer("src:s:inv:warm"), Ct);
        await redis.PauseAsync();
        try
        {
            var results = new List<CacheResult<Invoices>>();
            for (var i = 0; i < 5; i++)
            {
                var key = $"src:s:inv:frozen{i}";
                results.Add(await replica.Cache.GetOrReadAsync(key, Entry, _upstream.Answer(key), Ct));
            }

            Assert.All(results, r => Assert.Equal(CacheState.Miss, r.State));
            Assert.Equal(CacheState.Hit, (await replica.Cache.GetOrReadAsync("src:s:inv:warm", Entry, _upstream.Answer("src:s:inv:warm"), Ct)).State);
        }
        finally
        {
            await redis.ResumeAsync();
        }
    }

    [Fact]
    public async Task GetOrReadAsync_WhenRedisIsDownAtStartUp_ServesFromMemoryAndTheUpstream()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        await redis.StopAsync();
        using var replica = new Replica(redis.Configuration, _keyPrefix);

        var served = await replica.Cache.GetOrReadAsync("src:s:inv:1", Entry, _upstream.Answer("src:s:inv:1"), Ct);
        var again = await replica.Cache.GetOrReadAsync("src:s:inv:1", Entry, _upstream.Answer("src:s:inv:1"), Ct);

        Assert.Equal(CacheState.Miss, served.State);
        Assert.Equal(CacheState.Hit, again.State);
        Assert.Equal(1, replica.Logs.Count(LogLevel.Warning, Unavailable));
    }
}
