using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Locking.Distributed.Redis;

namespace InvoiceGateway.Caching;

/// <summary>Registers <see cref="InvoiceCache"/>.</summary>
public static class InvoiceCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers the gateway's cache: FusionCache over a size-limited memory cache and, when
    /// <see cref="InvoiceCacheOptions.Redis"/> is set, Redis as L2 (<see cref="RedisCache"/>), backplane and
    /// distributed locker, all on one StackExchange.Redis connection that never fails start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="options">The options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddInvoiceCache(this IServiceCollection services, InvoiceCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Redis is { } configuration)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisOptions(configuration)));
        }

        services.AddSingleton<IFusionCache>(sp => Create(sp, options));
        services.AddSingleton(sp => new InvoiceCache(
            sp.GetRequiredService<IFusionCache>(),
            sp.GetService<IConnectionMultiplexer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<InvoiceCache>>(),
            options.KeyPrefix));
        return services;
    }

    /// <summary>The connection settings: never abort when Redis is down (it reconnects by itself), short timeouts.</summary>
    internal static ConfigurationOptions RedisOptions(string configuration)
    {
        var redis = ConfigurationOptions.Parse(configuration);
        redis.AbortOnConnectFail = false;
        redis.ConnectTimeout = Math.Min(redis.ConnectTimeout, 2000);
        redis.SyncTimeout = Math.Min(redis.SyncTimeout, 1000);
        redis.AsyncTimeout = Math.Min(redis.AsyncTimeout, 1000);
        return redis;
    }

    private static FusionCache Create(IServiceProvider services, InvoiceCacheOptions options)
    {
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var memory = new MemoryCache(new MemoryCacheOptions
        {
            // Sizes are in KB (see CacheEntry): a snapshot counts what its invoices hold.
            SizeLimit = options.MemoryLimitMb * 1024,
            CompactionPercentage = 0.1,
        });
        var fusion = new FusionCacheOptions
        {
            CacheName = "invoices",
            CacheKeyPrefix = options.KeyPrefix,
            // Keys in Redis are exactly "ig:" + the gateway's key, so operators (and tests) can find them.
            DistributedCacheKeyModifierMode = CacheKeyModifierMode.None,
            BackplaneChannelPrefix = options.KeyPrefix + "backplane",
            DefaultEntryOptions = new FusionCacheEntryOptions { Size = 1, ReThrowSerializationExceptions = false },
            TagsDefaultEntryOptions = new FusionCacheEntryOptions { Size = 1, Duration = TimeSpan.FromMinutes(1), ReThrowSerializationExceptions = false },
            RemoveByTagBehavior = RemoveByTagBehavior.Remove,
            EnableAutoRecovery = true,
            // After a Redis failure Redis is left alone this long (each call would otherwise wait for its timeout).
            DistributedCacheCircuitBreakerDuration = TimeSpan.FromSeconds(2),
            BackplaneCircuitBreakerDuration = TimeSpan.FromSeconds(2),
            WaitForInitialBackplaneSubscribe = false,
            // PlausibleJsonSerializer reports an unusable copy once; FusionCache would log every read of it.
            SerializationErrorsLogLevel = LogLevel.Debug,
            DistributedCacheErrorsLogLevel = LogLevel.Warning,
            BackplaneErrorsLogLevel = LogLevel.Warning,
            DistributedLockerErrorsLogLevel = LogLevel.Warning,
            FactoryErrorsLogLevel = LogLevel.Debug,
            FactorySyntheticTimeoutsLogLevel = LogLevel.Debug,
            FailSafeActivationLogLevel = LogLevel.Debug,
            ReThrowOriginalExceptions = true,
            // InvoiceCache.Stamp counts the memory cache's changes from its events, which must have happened when
            // the call that made them returns: run the handlers (one counter increment) on the caller's thread.
            EnableSyncEventHandlersExecution = true,
        };

        var cache = new FusionCache(fusion, memory, loggers.CreateLogger<FusionCache>());
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            var connection = () => Task.FromResult(redis);
            cache.SetupSerializer(new PlausibleJsonSerializer(services.GetRequiredService<TimeProvider>(), loggers.CreateLogger<PlausibleJsonSerializer>()));
            cache.SetupDistributedCache(new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = connection }));
            cache.SetupBackplane(new RedisBackplane(new RedisBackplaneOptions { ConnectionMultiplexerFactory = connection }, loggers.CreateLogger<RedisBackplane>()));
            cache.SetupDistributedLocker(new RedisDistributedLocker(
                new RedisDistributedLockerOptions { ConnectionMultiplexerFactory = connection }, loggers.CreateLogger<RedisDistributedLocker>()));
        }

        return cache;
    }
}
