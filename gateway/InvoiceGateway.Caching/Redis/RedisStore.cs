using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace InvoiceGateway.Caching;

/// <summary>
/// The Redis tier on StackExchange.Redis 1.x. It never fails its caller: connecting does not throw
/// when Redis is down (the multiplexer keeps reconnecting by itself, and re-subscribes), every call
/// is bounded by <see cref="RedisStoreOptions.OperationTimeout"/> (1.x only has a synchronous
/// timeout), every failure is swallowed into a fallback answer, and after repeated failures Redis is
/// left alone for <see cref="RedisStoreOptions.BackoffDuration"/>, which is logged once.
/// </summary>
public sealed partial class RedisStore : IDistributedStore
{
    private const int ScanPageSize = 1000;

    // KEYS[1] = lock key, ARGV[1] = our token: delete only if the lock is still ours.
    private const string ReleaseScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private static readonly Exception NotConnected = new InvalidOperationException("No connection to Redis is open; the client is reconnecting.");

    private static int s_threadPoolRaised;

    private readonly ConnectionMultiplexer _multiplexer;
    private readonly RedisStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisStore> _logger;
    private readonly RedisAvailability _availability;
    private readonly RedisChannel _channel;
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private int _disposed;

    private RedisStore(ConnectionMultiplexer multiplexer, RedisStoreOptions options, TimeProvider time, ILogger<RedisStore> logger)
    {
        _multiplexer = multiplexer;
        _options = options;
        _time = time;
        _logger = logger;
        _availability = new RedisAvailability(options, time, logger);
        _channel = new RedisChannel(options.KeyPrefix + "invalidate", RedisChannel.PatternMode.Literal);
    }

    /// <inheritdoc />
    public event Action<string>? InvalidationReceived;

    /// <inheritdoc />
    public bool IsAvailable => !_availability.IsBackingOff && _multiplexer.IsConnected;

    /// <summary>
    /// Connects to Redis. Waits about <see cref="RedisStoreOptions.ConnectTimeout"/> (twice that at most, with the subscription) and never
    /// throws because Redis is down or unknown: the store then starts unavailable and connects as soon
    /// as Redis answers.
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c> or <c>redis:6379,password=...</c>.</param>
    /// <param name="options">The store's options.</param>
    /// <param name="time">The clock of the backoff and the call timeouts.</param>
    /// <param name="logger">Where availability changes are logged.</param>
    /// <returns>The store; dispose it to close the connection.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is not a valid configuration string, or an option is out of range.</exception>
    public static RedisStore Connect(string configuration, RedisStoreOptions options, TimeProvider time, ILogger<RedisStore> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();

        var config = ConfigurationOptions.Parse(configuration);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = ToMilliseconds(options.ConnectTimeout);
        config.SyncTimeout = ToMilliseconds(options.OperationTimeout);

        RaiseThreadPoolMinimum();
        // With AbortOnConnectFail=false this returns a disconnected multiplexer when Redis is down;
        // 1.2.6 then reconnects (and re-subscribes) on its own once Redis answers, also after a
        // restart of Redis (checked against redis-server 7), so the store never recreates it.
        var multiplexer = ConnectionMultiplexer.Connect(config);
        multiplexer.PreserveAsyncOrder = false;

        var store = new RedisStore(multiplexer, options, time, logger);
        // The multiplexer reconnected: no need to sit out the rest of a backoff.
        multiplexer.ConnectionRestored += store.OnConnectionRestored;
        store.Subscribe();
        if (!multiplexer.IsConnected)
        {
            store._availability.UnavailableAtStart();
        }

        return store;
    }

    /// <inheritdoc />
    public Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        var redisKey = Key(key);
        return RunAsync<byte[]?>("GET", async db => await db.StringGetAsync(redisKey).ConfigureAwait(false), null, ct);
    }

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, TimeSpan expiry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        var redisKey = Key(key);
        var px = expiry < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : expiry;
        return RunAsync("SET", db => db.StringSetAsync(redisKey, value, px), false, ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// SCAN with a MATCH on the escaped prefix, page by page, and DEL of each page: no key index to
    /// keep in step, and it does not block Redis like KEYS would. One page is one bounded call; a
    /// failure stops the deletion (the entries still expire after their StaleTtl). Scans the server
    /// the multiplexer sends keyless commands to: a single primary, not a Redis Cluster.
    /// </remarks>
    public async Task DeleteByPrefixAsync(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var pattern = EscapeGlob(_options.KeyPrefix + prefix) + "*";
        var cursor = "0";
        do
        {
            var page = await RunAsync<RedisResult?>(
                "SCAN",
                db => db.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", ScanPageSize.ToString(CultureInfo.InvariantCulture)),
                null,
                ct).ConfigureAwait(false);
            if (page is null || page.IsNull)
            {
                return;
            }

            var parts = (RedisResult[])page!;
            cursor = (string?)parts[0] ?? "0";
            var keys = (RedisKey[])parts[1]!;
            if (keys.Length > 0 && !await RunAsync("DEL", async db => { await db.KeyDeleteAsync(keys).ConfigureAwait(false); return true; }, false, ct).ConfigureAwait(false))
            {
                return;
            }
        }
        while (cursor != "0");
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable?> TryLockAsync(string key, TimeSpan expiry, CancellationToken ct)
    {
        var redisKey = Key(key);
        var token = (RedisValue)Guid.NewGuid().ToString("N");
        var px = expiry < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : expiry;
        // null = Redis did not answer: proceed with a no-op lock rather than wait for nobody.
        var acquired = await RunAsync<bool?>(
            "LOCK",
            async db => await db.StringSetAsync(redisKey, token, px, When.NotExists).ConfigureAwait(false),
            null,
            ct).ConfigureAwait(false);
        return acquired switch
        {
            true => new RedisLock(this, redisKey, token),
            false => null,
            null => NoLock.Instance,
        };
    }

    /// <inheritdoc />
    public Task PublishInvalidationAsync(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var message = (RedisValue)(_instanceId + "\n" + prefix);
        return RunAsync("PUBLISH", _ => _multiplexer.GetSubscriber().PublishAsync(_channel, message), 0L, ct);
    }

    /// <inheritdoc />
    /// <remarks>Calls Redis even while backing off, so a readiness probe sees a recovery at once (and ends the backoff).</remarks>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        if (!_multiplexer.IsConnected)
        {
            return false;
        }

        Task? ping = null;
        try
        {
            ping = _multiplexer.GetDatabase().PingAsync();
            await ping.WaitAsync(_options.OperationTimeout, _time, ct).ConfigureAwait(false);
            _availability.Recovered();
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Observe(ping);
            throw;
        }
        catch (Exception)
        {
            Observe(ping);
            return false;
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _multiplexer.Dispose();
        }
    }

    internal async Task ReleaseLockAsync(RedisKey key, RedisValue token)
    {
        // If this fails the lock simply expires; nobody waits on the release.
        await RunAsync(
            "UNLOCK",
            db => db.ScriptEvaluateAsync(ReleaseScript, [key], [token]),
            null,
            CancellationToken.None).ConfigureAwait(false);
    }

    private static int ToMilliseconds(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);

    private static void RaiseThreadPoolMinimum()
    {
        // StackExchange.Redis 1.x completes its tasks on the thread pool; under a burst the pool's
        // slow thread injection shows up as Redis timeouts. Raised once per process.
        if (Interlocked.Exchange(ref s_threadPoolRaised, 1) != 0)
        {
            return;
        }

        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }

    private static string EscapeGlob(string literal)
    {
        var builder = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Keeps a call that was given up on (timed out or cancelled) from raising an unobserved exception later.</summary>
    private static void Observe(Task? task) =>
        task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private RedisKey Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _options.KeyPrefix + key;
    }

    private async Task<TResult> RunAsync<TResult>(string operation, Func<IDatabase, Task<TResult>> command, TResult fallback, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _disposed) != 0 || !_availability.TryBegin(out var probe))
        {
            return fallback;
        }

        if (!_multiplexer.IsConnected)
        {
            // Fails fast without building a command; the multiplexer is reconnecting in the background.
            _availability.Failed(probe, operation, NotConnected);
            return fallback;
        }

        Task<TResult>? call = null;
        try
        {
            call = command(_multiplexer.GetDatabase());
            var result = await call.WaitAsync(_options.OperationTimeout, _time, ct).ConfigureAwait(false);
            _availability.Succeeded(probe);
            return result;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Observe(call);
            _availability.Abandoned(probe);
            throw;
        }
        catch (Exception ex)
        {
            // Whatever Redis or the client does (connection, timeout, protocol, disposal) is not the
            // caller's problem: count it, answer the fallback.
            Observe(call);
            _availability.Failed(probe, operation, ex);
            return fallback;
        }
    }

    private void Subscribe()
    {
        // Registered even while disconnected: 1.x sends SUBSCRIBE once connected, and again after
        // each reconnect. When connected, wait for it, so that a replica hears invalidations as soon
        // as Connect returns.
        var subscribing = _multiplexer.GetSubscriber().SubscribeAsync(_channel, OnInvalidationMessage);
        subscribing.ContinueWith(
            static (t, state) => LogSubscribeFailed(((RedisStore)state!)._logger, t.Exception!.GetBaseException().Message),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
        if (_multiplexer.IsConnected)
        {
            try
            {
                subscribing.Wait(_options.ConnectTimeout);
            }
            catch (AggregateException)
            {
                // Logged by the continuation; the client subscribes again when it reconnects.
            }
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            _availability.Recovered();
        }
    }

    private void OnInvalidationMessage(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        var separator = text?.IndexOf('\n', StringComparison.Ordinal) ?? -1;
        if (text is null || separator < 0 || text.AsSpan(0, separator).SequenceEqual(_instanceId))
        {
            return;
        }

        try
        {
            InvalidationReceived?.Invoke(text[(separator + 1)..]);
        }
#pragma warning disable CA1031 // A subscriber's bug must not kill the Redis message loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogInvalidationHandlerFailed(_logger, ex);
        }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Subscribing to Redis invalidations failed: {ErrorMessage}")]
    private static partial void LogSubscribeFailed(ILogger logger, string errorMessage);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "An invalidation handler failed")]
    private static partial void LogInvalidationHandlerFailed(ILogger logger, Exception exception);
}
