using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Caching;

/// <summary>
/// A two-level cache: decoded values in memory in each replica (L1) and their bytes in a store
/// shared by the replicas (L2, usually Redis). Concurrent misses of a key share one fetch in a
/// replica and, through a short lock in the store, across replicas; when a fetch fails, the last good
/// copy is served as <see cref="CacheState.Stale"/> until its StaleTtl.
/// </summary>
/// <remarks>
/// A fetch runs with the cache's own token (cancelled only when the cache is disposed), never with a
/// caller's: a caller that gives up stops waiting, the fetch goes on for the others and is cached.
/// Bounding the fetch in time is therefore the fetch delegate's job (the per-source timeouts).
/// </remarks>
public sealed partial class TieredCache : IDisposable
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> of the cache's counters.</summary>
    public const string MeterName = "InvoiceGateway.Cache";

    // Lock keys live apart from value keys, so that invalidating a prefix never deletes a held lock.
    private const string LockKeyPrefix = "lock:";

    private readonly IDistributedStore? _l2;
    private readonly TimeProvider _time;
    private readonly ILogger<TieredCache> _logger;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeSpan _lockPollInterval;
    private readonly MemoryTier _l1;
    private readonly CacheMetrics _metrics;
    private readonly ConcurrentDictionary<FlightKey, Flight> _flights = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly CancellationToken _fetchToken;
    private int _disposed;

    /// <summary>Creates a cache.</summary>
    /// <param name="l2">The shared store, or <see langword="null"/> for a memory-only cache (one replica). Not owned: disposing the cache leaves it open.</param>
    /// <param name="time">The clock that ages the entries.</param>
    /// <param name="logger">Where decoding problems and the like are logged.</param>
    /// <param name="options">The options; the default values when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TieredCache(IDistributedStore? l2, TimeProvider time, ILogger<TieredCache> logger, TieredCacheOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options ??= new TieredCacheOptions();
        options.Validate();

        _l2 = l2;
        _time = time;
        _logger = logger;
        _lockTimeout = options.LockTimeout;
        _lockPollInterval = options.LockPollInterval;
        _l1 = new MemoryTier(options.MaxL1Entries);
        _metrics = new CacheMetrics(this);
        _fetchToken = _disposing.Token;
        if (l2 is not null)
        {
            l2.InvalidationReceived += OnRemoteInvalidation;
        }
    }

    /// <summary>Gets the number of entries in this replica's memory tier.</summary>
    public long L1Count => _l1.Count;

    /// <summary>
    /// Answers a cached value, or fetches it. Fresh in memory: a hit without I/O. Else fresh in the
    /// store: a hit, decoded once into memory. Else one shared fetch (in this replica, and across
    /// replicas while the store is available), stored in both tiers: a miss. When the fetch fails with
    /// any exception, the last good copy younger than StaleTtl is answered as stale with the
    /// exception in <see cref="CacheResult{T}.Error"/>; without one the exception is rethrown.
    /// </summary>
    /// <typeparam name="T">The cached value; one key always holds the same type.</typeparam>
    /// <param name="key">The key; prefixes are what <see cref="InvalidateAsync"/> drops (e.g. <c>source:goscore:</c>).</param>
    /// <param name="policy">How long the value is fresh and how long it may be served stale.</param>
    /// <param name="fetch">Fetches the value from the upstream; bounded in time by itself. Its token is the cache's, not the caller's.</param>
    /// <param name="codec">Turns the value into the store's bytes and back.</param>
    /// <param name="bypass">
    /// Skip fresh copies and fetch (a request's <c>Cache-Control: no-cache</c>). Concurrent bypassing
    /// calls of a key share one fetch among themselves, not with normal calls, and take no
    /// cross-replica lock. The result is stored; a failure still falls back to a stale copy.
    /// </param>
    /// <param name="ct">The caller's cancellation: stops this caller's wait, not the shared fetch.</param>
    /// <returns>The value with its state and age.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public Task<CacheResult<T>> GetOrFetchAsync<T>(
        string key,
        CachePolicy policy,
        Func<CancellationToken, Task<T>> fetch,
        ICacheCodec<T> codec,
        bool bypass,
        CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(policy);

        if (!bypass)
        {
            // The hot path: one dictionary read, one clock read, a cached completed task.
            var now = _time.GetUtcNow();
            if (_l1.TryGet<T>(key, policy.StaleTtl, now, out var entry) && now - entry.StoredAt < policy.Ttl)
            {
                _metrics.Record(CacheState.Hit, CacheLevel.L1);
                return entry.Hit<T>();
            }
        }

        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(codec);
        return GetOrFetchSlowAsync(key, policy, fetch, codec, bypass, ct);
    }

    /// <summary>
    /// Looks in this replica's memory only, without I/O or fetching: e.g. to answer for a source that
    /// is skipped. The result is <see cref="CacheState.Hit"/> when younger than Ttl, else
    /// <see cref="CacheState.Stale"/> (with no <see cref="CacheResult{T}.Error"/>).
    /// </summary>
    /// <typeparam name="T">The cached value.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="policy">The key's policy.</param>
    /// <param name="result">The copy, when one younger than StaleTtl is in memory.</param>
    /// <returns>Whether a copy was found.</returns>
    public bool TryGetStale<T>(string key, CachePolicy policy, [NotNullWhen(true)] out CacheResult<T>? result)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(policy);
        var now = _time.GetUtcNow();
        if (_l1.TryGet<T>(key, policy.StaleTtl, now, out var entry))
        {
            result = now - entry.StoredAt < policy.Ttl
                ? entry.Hit<T>().Result
                : new CacheResult<T>((T)entry.Value, CacheState.Stale, entry.StoredAt, null);
            return true;
        }

        result = null;
        return false;
    }

    /// <summary>
    /// Drops every entry whose key starts with <paramref name="prefix"/>: from memory, from the store,
    /// and, through the store's invalidation channel, from the other replicas' memory. A fetch of such
    /// a key already under way still answers its callers but is not cached.
    /// </summary>
    /// <param name="prefix">The key prefix, matched ordinally.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>A task that completes when the store was told (or given up on).</returns>
    public async Task InvalidateAsync(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        DropLocal(prefix);
        if (_l2 is null)
        {
            return;
        }

        await _l2.DeleteByPrefixAsync(prefix, ct);
        // A miss between the first drop and the delete may have copied the old value back from the store.
        DropLocal(prefix);
        await _l2.PublishInvalidationAsync(prefix, ct);
    }

    /// <summary>Stops the fetches under way and the invalidation subscription. The store is not disposed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_l2 is not null)
        {
            _l2.InvalidationReceived -= OnRemoteInvalidation;
        }

        // Cancelled, not disposed: flights still running read the token.
        _disposing.Cancel();
        _metrics.Dispose();
    }

    private async Task<CacheResult<T>> GetOrFetchSlowAsync<T>(
        string key,
        CachePolicy policy,
        Func<CancellationToken, Task<T>> fetch,
        ICacheCodec<T> codec,
        bool bypass,
        CancellationToken ct)
        where T : class
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ct.ThrowIfCancellationRequested();

        // Every memory miss joins the key's flight, which reads Redis first: concurrent misses make
        // one Redis read and one decode, and at most one upstream fetch.
        var flightKey = new FlightKey(key, bypass);
        var candidate = new Flight<T>(key);
        var flight = _flights.GetOrAdd(flightKey, candidate);
        if (ReferenceEquals(flight, candidate))
        {
            _ = FlyAsync(flightKey, candidate, policy, fetch, codec);
        }

        if (flight is not Flight<T> joined)
        {
            throw new InvalidOperationException($"The cache key '{key}' is in use with a value type other than {typeof(T).Name}.");
        }

        var outcome = await joined.Completion.Task.WaitAsync(ct);
        _metrics.Record(outcome.Result.State, outcome.Level);
        return outcome.Result;
    }

    private async Task FlyAsync<T>(FlightKey flightKey, Flight<T> flight, CachePolicy policy, Func<CancellationToken, Task<T>> fetch, ICacheCodec<T> codec)
        where T : class
    {
        FlightOutcome<T>? outcome = null;
        Exception? error = null;
        try
        {
            outcome = await FetchOnceAsync(flight, policy, fetch, codec, flightKey.Bypass, _fetchToken);
        }
#pragma warning disable CA1031 // Handed to every waiter through the completion.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        // Leave the table before answering: a caller arriving now finds the value in memory, not a finished flight.
        _flights.TryRemove(KeyValuePair.Create(flightKey, (Flight)flight));
        if (error is null)
        {
            flight.Completion.TrySetResult(outcome!);
        }
        else
        {
            flight.Completion.TrySetException(error);
        }
    }

    private async Task<FlightOutcome<T>> FetchOnceAsync<T>(
        Flight<T> flight,
        CachePolicy policy,
        Func<CancellationToken, Task<T>> fetch,
        ICacheCodec<T> codec,
        bool bypass,
        CancellationToken token)
        where T : class
    {
        IAsyncDisposable? held = null;
        if (_l2 is not null && !bypass)
        {
            var stored = await ReadFreshAsync(flight.Key, policy, codec, token);
            if (stored is not null)
            {
                return new FlightOutcome<T>(stored, CacheLevel.L2);
            }

            var (acquired, winner) = await AcquireOrAwaitWinnerAsync(flight.Key, policy, codec, token);
            if (winner is not null)
            {
                return new FlightOutcome<T>(winner, CacheLevel.L2);
            }

            held = acquired;
        }

        try
        {
            T value;
            try
            {
                value = await fetch(token)
                    ?? throw new InvalidOperationException($"The fetch of cache key '{flight.Key}' returned null.");
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                return await StaleOrRethrowAsync(flight.Key, policy, codec, ex, token);
            }

            var storedAt = _time.GetUtcNow();
            await StoreAsync(flight, value, storedAt, policy, codec, token);
            var result = new CacheResult<T>(value, CacheState.Miss, storedAt, null);
            return new FlightOutcome<T>(result, _l2 is null ? CacheLevel.L1 : CacheLevel.L2);
        }
        finally
        {
            if (held is not null)
            {
                await held.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Takes the cross-replica lock, or, while another replica holds it, polls the store for that
    /// replica's value. Returns the lock (possibly a no-op one) to fetch under, a value stored by
    /// another replica, or neither when the holder did not deliver before the lock's expiry.
    /// </summary>
    private async Task<(IAsyncDisposable? Lock, CacheResult<T>? Stored)> AcquireOrAwaitWinnerAsync<T>(
        string key,
        CachePolicy policy,
        ICacheCodec<T> codec,
        CancellationToken token)
        where T : class
    {
        var store = _l2!;
        var lockKey = LockKeyPrefix + key;
        var started = _time.GetTimestamp();
        var maxPolls = (int)Math.Ceiling(_lockTimeout / _lockPollInterval);
        for (var poll = 0; ; poll++)
        {
            var held = await store.TryLockAsync(lockKey, _lockTimeout, token);
            if (held is not null)
            {
                // Another replica may have stored the value between our read and our lock.
                var late = await ReadFreshAsync(key, policy, codec, token);
                if (late is null)
                {
                    return (held, null);
                }

                await held.DisposeAsync();
                return (null, late);
            }

            if (poll >= maxPolls || _time.GetElapsedTime(started) >= _lockTimeout || !store.IsAvailable)
            {
                LogGaveUpWaiting(_logger, key);
                return (null, null);
            }

            await Task.Delay(_lockPollInterval, _time, token);
            var stored = await ReadFreshAsync(key, policy, codec, token);
            if (stored is not null)
            {
                return (null, stored);
            }
        }
    }

    private async Task<FlightOutcome<T>> StaleOrRethrowAsync<T>(string key, CachePolicy policy, ICacheCodec<T> codec, Exception error, CancellationToken token)
        where T : class
    {
        var now = _time.GetUtcNow();
        if (_l1.TryGet<T>(key, policy.StaleTtl, now, out var entry))
        {
            return new FlightOutcome<T>(new CacheResult<T>((T)entry.Value, CacheState.Stale, entry.StoredAt, error), CacheLevel.L1);
        }

        if (_l2 is not null)
        {
            var bytes = await _l2.GetAsync(key, token);
            if (bytes is not null
                && RemoteEnvelope.TryReadStoredAt(bytes, out var storedAt)
                && now - storedAt < policy.StaleTtl
                && TryDecode(key, bytes, codec, out var value))
            {
                // Kept in memory, so the next failures are answered without the store.
                _l1.Set(key, value, storedAt, policy.StaleTtl, now);
                return new FlightOutcome<T>(new CacheResult<T>(value, CacheState.Stale, storedAt, error), CacheLevel.L2);
            }
        }

        ExceptionDispatchInfo.Throw(error);
        throw error; // not reached
    }

    private async Task StoreAsync<T>(Flight flight, T value, DateTimeOffset storedAt, CachePolicy policy, ICacheCodec<T> codec, CancellationToken token)
        where T : class
    {
        // Checked after each write too: an invalidation marks the flight before it clears the tiers,
        // so either we see the mark or the invalidation sees our entry.
        if (flight.Invalidated)
        {
            return;
        }

        var entry = _l1.Set(flight.Key, value, storedAt, policy.StaleTtl, storedAt);
        if (flight.Invalidated)
        {
            _l1.Remove(flight.Key, entry);
            return;
        }

        if (_l2 is null)
        {
            return;
        }

        byte[] payload;
        try
        {
            payload = codec.Encode(value);
        }
#pragma warning disable CA1031 // A codec bug costs the shared copy, not the answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogEncodeFailed(_logger, flight.Key, ex);
            return;
        }

        await _l2.SetAsync(flight.Key, RemoteEnvelope.Wrap(storedAt, payload), policy.StaleTtl, token);
        if (flight.Invalidated)
        {
            // Also drops keys that merely start with this one; harmless for a cache.
            await _l2.DeleteByPrefixAsync(flight.Key, token);
        }
    }

    /// <summary>The store's copy when younger than Ttl, decoded once into memory.</summary>
    private async Task<CacheResult<T>?> ReadFreshAsync<T>(string key, CachePolicy policy, ICacheCodec<T> codec, CancellationToken ct)
        where T : class
    {
        var bytes = await _l2!.GetAsync(key, ct);
        if (bytes is null || !RemoteEnvelope.TryReadStoredAt(bytes, out var storedAt))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - storedAt >= policy.Ttl || !TryDecode(key, bytes, codec, out var value))
        {
            return null;
        }

        return _l1.Set(key, value, storedAt, policy.StaleTtl, now).Hit<T>().Result;
    }

    private bool TryDecode<T>(string key, byte[] envelope, ICacheCodec<T> codec, [NotNullWhen(true)] out T? value)
        where T : class
    {
        try
        {
            value = codec.Decode(RemoteEnvelope.Payload(envelope));
            return value is not null;
        }
#pragma warning disable CA1031 // An unreadable shared copy is a miss; the fetch overwrites it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDecodeFailed(_logger, key, ex);
            value = null;
            return false;
        }
    }

    private void OnRemoteInvalidation(string prefix)
    {
        LogRemoteInvalidation(_logger, prefix);
        DropLocal(prefix);
    }

    private void DropLocal(string prefix)
    {
        foreach (var pair in _flights)
        {
            if (pair.Key.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                pair.Value.Invalidate();
                _flights.TryRemove(pair);
            }
        }

        _l1.RemoveByPrefix(prefix);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "The cached copy of {Key} in the shared store cannot be decoded; fetching it again")]
    private static partial void LogDecodeFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "The value of {Key} cannot be encoded for the shared store; kept in memory only")]
    private static partial void LogEncodeFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "Another replica's fetch of {Key} did not deliver before its lock expired; fetching here")]
    private static partial void LogGaveUpWaiting(ILogger logger, string key);

    [LoggerMessage(EventId = 23, Level = LogLevel.Debug, Message = "Another replica invalidated {Prefix}")]
    private static partial void LogRemoteInvalidation(ILogger logger, string prefix);
}
