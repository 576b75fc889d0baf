using InvoiceGateway.Testing;

namespace InvoiceGateway.Caching.Tests.Support;

/// <summary>One gateway replica's cache: its own Redis connection and memory tier, with captured logs.</summary>
public sealed class Replica : IDisposable
{
    public Replica(RedisServer redis, TimeProvider time, string keyPrefix, RedisStoreOptions? storeOptions = null, TieredCacheOptions? cacheOptions = null)
    {
        // Generous by default: a loaded CI machine must not turn a healthy Redis into a timed-out one.
        var options = storeOptions ?? new RedisStoreOptions { OperationTimeout = TimeSpan.FromSeconds(5) };
        options.KeyPrefix = keyPrefix;
        Store = RedisStore.Connect(redis.Configuration, options, time, Logs.CreateLogger<RedisStore>());
        Cache = new TieredCache(Store, time, Logs.CreateLogger<TieredCache>(), cacheOptions);
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public RedisStore Store { get; }

    public TieredCache Cache { get; }

    /// <summary>A key prefix of its own per test, so tests could share one Redis (REDIS_URL).</summary>
    public static string NewKeyPrefix() => $"test-{Guid.NewGuid():N}:";

    public void Dispose()
    {
        Cache.Dispose();
        Store.Dispose();
    }
}
