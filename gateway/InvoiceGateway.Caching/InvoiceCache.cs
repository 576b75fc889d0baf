using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Events;

namespace InvoiceGateway.Caching;

/// <summary>
/// The gateway's cache: FusionCache with memory in each replica (L1) and, when configured, Redis shared by
/// the replicas (L2, backplane, distributed locker). This class adds what FusionCache does not know about:
/// which answers were hits, misses or stale copies, the last read failure of a stale copy, and reads that a
/// <c>Cache-Control: no-cache</c> request or a background refresh join instead of starting another.
/// </summary>
public sealed partial class InvoiceCache : IDisposable
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> of the cache's counters.</summary>
    public const string MeterName = "InvoiceGateway.Cache";

    private static long s_readSequence;

    private readonly IFusionCache _cache;
    private readonly IConnectionMultiplexer? _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<InvoiceCache> _logger;
    private readonly CacheMetrics _metrics;
    private readonly ConcurrentDictionary<string, Task<CachedValue>> _reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Exception> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _keyVersions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _tagVersions = new(StringComparer.Ordinal);
    private readonly string _keyPrefix;
    private int _redisDown;

    /// <summary>Creates the cache over a configured FusionCache (see <see cref="InvoiceCacheServiceCollectionExtensions.AddInvoiceCache"/>).</summary>
    /// <param name="cache">The FusionCache.</param>
    /// <param name="redis">The Redis connection of L2, backplane and locker; <see langword="null"/> for memory only.</param>
    /// <param name="time">The clock that stamps and ages values.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="keyPrefix">FusionCache's <c>CacheKeyPrefix</c>, which the keys of its events carry.</param>
    public InvoiceCache(IFusionCache cache, IConnectionMultiplexer? redis, TimeProvider time, ILogger<InvoiceCache> logger, string keyPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _cache = cache;
        _redis = redis;
        _time = time;
        _logger = logger;
        _keyPrefix = keyPrefix;
        _metrics = new CacheMetrics(this);

        // Raised after the memory cache changed (set, removed, evicted, expired): what TryGetFresh answers may differ.
        // Synchronously, before the call that changed it returns (AddInvoiceCache: EnableSyncEventHandlersExecution).
        cache.Events.Memory.Set += OnMemoryChanged;
        cache.Events.Memory.Remove += OnMemoryChanged;
        cache.Events.Memory.Expire += OnMemoryChanged;
        cache.Events.Memory.Eviction += OnMemoryChanged;
        if (redis is not null)
        {
            redis.ConnectionFailed += OnConnectionFailed;
            redis.ConnectionRestored += OnConnectionRestored;
            if (!redis.IsConnected)
            {
                OnConnectionFailed(redis, null);
            }
        }
    }

    /// <summary>Gets whether Redis is configured (L2, backplane and locker).</summary>
    public bool HasRedis => _redis is not null;

    /// <summary>
    /// Answers the cached copy of <paramref name="key"/>, or reads it. A copy younger than Ttl is a hit. An older one
    /// is served while it is read again in the background (stale). Without a copy, one read per key (per replica,
    /// and across replicas through the Redis lock) is shared by every request that waits for it (a miss). When a
    /// read fails and a copy younger than StaleTtl exists, the copy is answered as stale with the failure.
    /// </summary>
    /// <typeparam name="T">The cached value.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry options of the key.</param>
    /// <param name="read">Reads the value from the upstream; bounded in time by itself. Never given the caller's token.</param>
    /// <param name="ct">The caller's cancellation: stops this caller's wait, not the shared read.</param>
    /// <returns>The value with its state.</returns>
    public async Task<CacheResult<T>> GetOrReadAsync<T>(string key, CacheEntry entry, Func<CancellationToken, Task<T>> read, CancellationToken ct)
        where T : CachedValue
    {
        ArgumentNullException.ThrowIfNull(entry);
        var started = Volatile.Read(ref s_readSequence);
        var value = await _cache.GetOrSetAsync<T>(
                key,
                async (context, _) =>
                {
                    var fresh = await JoinReadAsync(key, read).ConfigureAwait(false);
                    AdaptOptions(context.Options, fresh, entry);
                    return fresh;
                },
                options: entry.Options,
                tags: entry.Tags,
                token: CancellationToken.None)
            .AsTask()
            .WaitAsync(ct)
            .ConfigureAwait(false);
        return Answer(key, entry, value, started);
    }

    /// <summary>
    /// Reads <paramref name="key"/> from the upstream now and stores the value (a <c>Cache-Control: no-cache</c>
    /// request, or the background refresh). A read of the key already under way in this replica is joined
    /// instead of starting another. When the read fails, the last good copy is answered as stale with the failure.
    /// </summary>
    /// <typeparam name="T">The cached value.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry options of the key.</param>
    /// <param name="read">Reads the value from the upstream.</param>
    /// <param name="ct">The caller's cancellation: stops this caller's wait, not the read.</param>
    /// <returns>The value read (a miss) or the last good copy (stale).</returns>
    public async Task<CacheResult<T>> ReadAgainAsync<T>(string key, CacheEntry entry, Func<CancellationToken, Task<T>> read, CancellationToken ct)
        where T : CachedValue
    {
        ArgumentNullException.ThrowIfNull(entry);
        var started = Volatile.Read(ref s_readSequence);
        try
        {
            var value = await JoinReadAsync(key, read, store: entry).WaitAsync(ct).ConfigureAwait(false);
            return Answer(key, entry, value, started);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var found = _cache.TryGet<T>(key, MemoryStaleRead);
            if (found.HasValue && found.Value is { } stale)
            {
                _metrics.Record(CacheState.Stale);
                return new CacheResult<T>(stale, CacheState.Stale, ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Looks in this replica's memory only, without I/O or reading: e.g. to answer for a source whose read took
    /// too long. <see cref="CacheState.Hit"/> when younger than Ttl, else <see cref="CacheState.Stale"/>.
    /// </summary>
    /// <typeparam name="T">The cached value.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry options of the key.</param>
    /// <param name="result">The copy, when one is in memory.</param>
    /// <returns>Whether a copy was found.</returns>
    public bool TryGetStale<T>(string key, CacheEntry entry, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheResult<T>? result)
        where T : CachedValue
    {
        ArgumentNullException.ThrowIfNull(entry);
        var found = _cache.TryGet<T>(key, MemoryStaleRead);
        if (found.HasValue && found.Value is { } value)
        {
            result = Answer(key, entry, value, long.MaxValue);
            return true;
        }

        result = null;
        return false;
    }

    /// <summary>
    /// The cached read's fast path: the copy of <paramref name="key"/> in this replica's memory when it is younger than
    /// its Ttl (a hit), looked up synchronously, without a factory, a task or a Redis read. Anything else (no copy in
    /// memory, a copy past its Ttl) answers <see langword="false"/>, and the caller reads through
    /// <see cref="GetOrReadAsync"/>, so nothing FusionCache does for such a read (Redis, the read itself, eager refresh,
    /// fail-safe) is skipped: for a copy younger than its Ttl, <see cref="GetOrReadAsync"/> would answer this copy and do
    /// nothing else. A hit is counted as <see cref="GetOrReadAsync"/> counts it.
    /// </summary>
    /// <typeparam name="T">The cached value.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry options of the key.</param>
    /// <param name="value">The copy, when it is a hit.</param>
    /// <returns>Whether a copy younger than Ttl was in memory.</returns>
    public bool TryGetFresh<T>(string key, CacheEntry entry, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
        where T : CachedValue
    {
        ArgumentNullException.ThrowIfNull(entry);
        var found = _cache.TryGet<T>(key, MemoryFreshRead);
        if (found.HasValue && found.Value is { } copy && _time.GetUtcNow() - copy.StoredAt < entry.Policy.Ttl)
        {
            _metrics.Record(CacheState.Hit);
            value = copy;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Gets whether <see cref="Stamp"/> sees every change of this replica's copies: without Redis, every copy is set and
    /// dropped in this process. With Redis another replica's write or removal reaches this one through the backplane,
    /// which this class does not follow, so a stamp is never taken.
    /// </summary>
    public bool SeesEveryChange => _redis is null;

    /// <summary>
    /// A stamp of <paramref name="key"/>'s copy in this replica's memory, taken <em>before</em> the copy is read: it stays
    /// <see cref="CacheStamp.IsCurrent"/> until the copy is set, removed, evicted or expired, or its entry's tag is
    /// removed (<see cref="RemoveByTagAsync"/>), all of which change the stamp's counters after they happened. So a value
    /// derived from a copy read after the stamp was taken is still what a read would give while the stamp is current and
    /// the copy is younger than its Ttl (<see cref="IsFresh"/>). Only when <see cref="SeesEveryChange"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry options of the key (its tag).</param>
    /// <returns>The stamp.</returns>
    public CacheStamp Stamp(string key, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var keyVersion = _keyVersions.GetOrAdd(key, static _ => new StrongBox<long>());
        var tagVersion = _tagVersions.GetOrAdd(entry.Tags[0], static _ => new StrongBox<long>());
        return new CacheStamp(keyVersion, Volatile.Read(ref keyVersion.Value), tagVersion, Volatile.Read(ref tagVersion.Value));
    }

    /// <summary>Whether a copy stored at <paramref name="storedAt"/> is younger than its Ttl now, as <see cref="TryGetFresh"/> tells it.</summary>
    /// <param name="storedAt">When the copy was stored (<see cref="CachedValue.StoredAt"/>).</param>
    /// <param name="entry">The entry options of its key.</param>
    /// <returns>Whether it is fresh.</returns>
    public bool IsFresh(DateTimeOffset storedAt, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _time.GetUtcNow() - storedAt < entry.Policy.Ttl;
    }

    /// <summary>Counts <paramref name="count"/> hits, as that many <see cref="TryGetFresh"/> hits are counted.</summary>
    /// <param name="count">The number of copies answered from memory.</param>
    public void CountHits(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _metrics.Record(CacheState.Hit);
        }
    }

    /// <summary>
    /// Drops everything tagged <paramref name="tag"/> (a source's list and details): in this replica's memory, in
    /// Redis and, through the backplane, in every other replica's memory.
    /// </summary>
    /// <param name="tag">The tag, e.g. <see cref="CacheEntry.SourceTag"/>.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>
    /// How far the removal reached: <see cref="InvalidationReach.All"/> when Redis took it (so every replica is
    /// told), <see cref="InvalidationReach.Local"/> when only this replica's memory was cleared; FusionCache's
    /// auto-recovery then tells the others once Redis is back.
    /// </returns>
    public async Task<InvalidationReach> RemoveByTagAsync(string tag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tag);
        foreach (var key in _failures.Keys)
        {
            _failures.TryRemove(key, out _);
        }

        if (_redis is null)
        {
            try
            {
                await _cache.RemoveByTagAsync(tag, token: ct).ConfigureAwait(false);
            }
            finally
            {
                Changed(_tagVersions, tag); // after the removal (also a cancelled one: part of it may have run)
            }

            return InvalidationReach.All;
        }

        try
        {
            await _cache.RemoveByTagAsync(tag, ReachingRemoval, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FusionCacheDistributedCacheException or FusionCacheBackplaneException
                                       or RedisException or TimeoutException)
        {
            LogRemovalLocal(_logger, tag, ex.Message);
            // The memory part ran before Redis was asked; auto-recovery retries the rest.
            await _cache.RemoveByTagAsync(tag, LocalRemoval, ct).ConfigureAwait(false);
            return InvalidationReach.Local;
        }
        finally
        {
            Changed(_tagVersions, tag);
        }

        return await PingAsync(ct).ConfigureAwait(false) ? InvalidationReach.All : InvalidationReach.Local;
    }

    /// <summary>Asks Redis whether it answers (readiness). <see langword="true"/> without Redis.</summary>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>Whether Redis answered within a second.</returns>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        if (_redis is null)
        {
            return true;
        }

        try
        {
            await _redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_redis is not null)
        {
            _redis.ConnectionFailed -= OnConnectionFailed;
            _redis.ConnectionRestored -= OnConnectionRestored;
        }

        _cache.Events.Memory.Set -= OnMemoryChanged;
        _cache.Events.Memory.Remove -= OnMemoryChanged;
        _cache.Events.Memory.Expire -= OnMemoryChanged;
        _cache.Events.Memory.Eviction -= OnMemoryChanged;
        _metrics.Dispose();
    }

    private static void Changed(ConcurrentDictionary<string, StrongBox<long>> versions, ReadOnlySpan<char> key)
    {
        if (versions.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var version))
        {
            Interlocked.Increment(ref version.Value);
        }
    }

    // Only keys somebody stamped have a counter; the event's key carries FusionCache's prefix.
    private void OnMemoryChanged(object? sender, FusionCacheEntryEventArgs e)
    {
        var key = e.Key.AsSpan();
        if (key.StartsWith(_keyPrefix, StringComparison.Ordinal))
        {
            Changed(_keyVersions, key[_keyPrefix.Length..]);
        }

        Changed(_keyVersions, key);
    }

    // Logged once per transition, never per request: the client raises one event per connection (commands, subscriptions).
    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs? e)
    {
        if (Interlocked.Exchange(ref _redisDown, 1) == 0)
        {
            LogRedisUnavailable(_logger, e?.FailureType.ToString() ?? "not connected at start-up");
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_redis!.IsConnected && Interlocked.Exchange(ref _redisDown, 0) == 1)
        {
            LogRedisAvailable(_logger);
        }
    }

    private static readonly FusionCacheEntryOptions MemoryStaleRead = new()
    {
        AllowStaleOnReadOnly = true,
        IsFailSafeEnabled = true,
        SkipDistributedCacheRead = true,
    };

    // Memory only, and only a copy FusionCache itself would still serve without reading (no stale one).
    private static readonly FusionCacheEntryOptions MemoryFreshRead = new()
    {
        SkipDistributedCacheRead = true,
    };

    private static readonly FusionCacheEntryOptions ReachingRemoval = new()
    {
        AllowBackgroundDistributedCacheOperations = false,
        AllowBackgroundBackplaneOperations = false,
        ReThrowDistributedCacheExceptions = true,
        ReThrowBackplaneExceptions = true,
        DistributedCacheHardTimeout = TimeSpan.FromSeconds(2),
        Size = 1,
    };

    private static readonly FusionCacheEntryOptions LocalRemoval = new()
    {
        SkipDistributedCacheWrite = true,
        SkipBackplaneNotifications = true,
        Size = 1,
    };

    private CacheResult<T> Answer<T>(string key, CacheEntry entry, T value, long started)
        where T : CachedValue
    {
        CacheState state;
        Exception? error = null;
        if (value.ReadSequence > started)
        {
            state = CacheState.Miss;
        }
        else if (_time.GetUtcNow() - value.StoredAt < entry.Policy.Ttl)
        {
            state = CacheState.Hit;
        }
        else
        {
            state = CacheState.Stale;
            error = _failures.TryGetValue(key, out var failure) ? failure : null;
        }

        _metrics.Record(state);
        return new CacheResult<T>(value, state, error);
    }

    /// <summary>
    /// One read per key in this replica at a time: FusionCache's factory, a no-cache request and the background
    /// refresh all end up here, and whoever comes while a read is under way gets that read's value.
    /// </summary>
    private async Task<T> JoinReadAsync<T>(string key, Func<CancellationToken, Task<T>> read, CacheEntry? store = null)
        where T : CachedValue
    {
        var candidate = new TaskCompletionSource<CachedValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _reads.GetOrAdd(key, candidate.Task);
        if (!ReferenceEquals(running, candidate.Task))
        {
            return (T)await running.ConfigureAwait(false);
        }

        try
        {
            var value = await read(CancellationToken.None).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"The read of cache key '{key}' returned null.");
            value.ReadSequence = Interlocked.Increment(ref s_readSequence);
            _failures.TryRemove(key, out _);
            if (store is not null)
            {
                await _cache.SetAsync(key, value, WithSize(store, value), store.Tags, CancellationToken.None).ConfigureAwait(false);
            }

            candidate.SetResult(value);
            return value;
        }
        catch (Exception ex)
        {
            _failures[key] = ex;
            candidate.SetException(ex);
            _ = candidate.Task.Exception; // observed: a read nobody joined must not raise an unobserved exception
            throw;
        }
        finally
        {
            _reads.TryRemove(KeyValuePair.Create(key, candidate.Task));
        }
    }

    private static void AdaptOptions(FusionCacheEntryOptions options, CachedValue value, CacheEntry entry)
    {
        if (value is ISizedValue sized)
        {
            options.Size = Math.Max(1, sized.SizeKb);
        }

        if (value is INotFound { IsNotFound: true })
        {
            var notFound = entry.NotFoundOptions;
            options.Duration = notFound.Duration;
            options.IsFailSafeEnabled = false;
            options.EagerRefreshThreshold = null;
            options.SkipDistributedCacheWrite = true;
            options.SkipBackplaneNotifications = true;
            options.Size = notFound.Size;
            options.Priority = notFound.Priority;
        }
    }

    private static FusionCacheEntryOptions WithSize(CacheEntry entry, CachedValue value)
    {
        if (value is INotFound { IsNotFound: true })
        {
            return entry.NotFoundOptions;
        }

        return value is ISizedValue sized ? entry.WithSize(sized.SizeKb) : entry.Options;
    }

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Redis unavailable ({Reason}); serving from memory and the upstream until it is back")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Redis available again")]
    private static partial void LogRedisAvailable(ILogger logger);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Refresh of {Tag} reached only this replica ({Reason}); the others are told when Redis is back")]
    private static partial void LogRemovalLocal(ILogger logger, string tag, string reason);
}

/// <summary>
/// What <see cref="InvoiceCache.Stamp"/> saw of a key's copy: the counters of its key and its tag. Current while neither
/// changed.
/// </summary>
public readonly record struct CacheStamp(StrongBox<long> Key, long KeySeen, StrongBox<long> Tag, long TagSeen)
{
    /// <summary>Gets whether the key's copy was neither set, removed, evicted nor expired, nor its tag removed, since.</summary>
    public bool IsCurrent => Volatile.Read(ref Key.Value) == KeySeen && Volatile.Read(ref Tag.Value) == TagSeen;
}

/// <summary>How far a removal reached.</summary>
public enum InvalidationReach
{
    /// <summary>Only this replica's memory: Redis did not take it (yet).</summary>
    Local,

    /// <summary>This replica, Redis and, through the backplane, every other replica.</summary>
    All,
}

/// <summary>A cached value that knows roughly how much memory it takes, for the memory cache's size limit.</summary>
public interface ISizedValue
{
    /// <summary>Gets the memory the value takes, in KB.</summary>
    long SizeKb { get; }
}

/// <summary>A cached "there is no such thing" answer: kept briefly, in this replica's memory only.</summary>
public interface INotFound
{
    /// <summary>Gets whether the value says "not found".</summary>
    bool IsNotFound { get; }
}
