using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// A source definition's <c>Upstream:RequestsPerSecond</c>: the calls of all its connections together. With Redis
/// (<c>Gateway:Redis</c>) the token bucket lives in Redis (RedisRateLimiting), so every replica draws from the same
/// one: the upstream counts the app's client id, not a replica's. Without Redis, or while Redis cannot be reached,
/// each replica keeps a bucket of its own at the full rate: an outage of the limiter's store must not fail upstream
/// reads, so for its duration N replicas may together call up to N times the rate.
/// </summary>
internal sealed class DefinitionRateLimit : IDisposable
{
    /// <summary>After a Redis failure Redis is left alone this long, so calls do not each wait for its timeout.</summary>
    internal static readonly TimeSpan SharedRetryDelay = TimeSpan.FromSeconds(2);

    private readonly RateLimiter _local;
    private readonly RedisTokenBucketRateLimiter<string>? _shared;
    private readonly IConnectionMultiplexer? _redis;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _definition;
    private long _sharedRetryAt;
    private int _sharedFailing;

    /// <param name="definition">The definition's name; also the Redis bucket's name, so replicas find the same one.</param>
    /// <param name="requestsPerSecond">Greater than 0.</param>
    /// <param name="redis">The gateway's Redis connection, or <c>null</c> for a bucket per process.</param>
    /// <param name="keyPrefix">The gateway's Redis key prefix (<c>ig:</c>).</param>
    public DefinitionRateLimit(string definition, double requestsPerSecond, IConnectionMultiplexer? redis, string keyPrefix, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestsPerSecond, 0);
        _definition = definition;
        _time = time;
        _logger = logger;
        _local = UpstreamRateLimit.Create(requestsPerSecond);

        // One token every 1/rate seconds, up to one second's worth banked: the same rate as the local bucket, refilled
        // smoothly, so a caller refused by Redis knows how long to wait before asking again.
        _interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        if (redis is not null)
        {
            _redis = redis;
            _shared = new RedisTokenBucketRateLimiter<string>($"{keyPrefix}upstream:{definition}", new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                TokenLimit = Math.Max(1, (int)Math.Floor(requestsPerSecond)),
                TokensPerPeriod = 1,
                ReplenishmentPeriod = _interval,
            });
        }
    }

    /// <summary>Gets whether the limit is shared through Redis (when Redis answers).</summary>
    public bool IsShared => _shared is not null;

    /// <summary>Waits until the definition's rate allows one more upstream call.</summary>
    /// <returns>Whether it was allowed; <c>false</c> only when the local bucket's queue is full.</returns>
    public async ValueTask<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_shared is not null && _redis!.IsConnected && _time.GetTimestamp() >= Interlocked.Read(ref _sharedRetryAt))
        {
            try
            {
                await AcquireSharedAsync(_shared, cancellationToken).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _sharedFailing, 0) == 1)
                {
                    _logger.LogInformation("The upstream rate limit of {Definition} is shared through Redis again.", _definition);
                }

                return true;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                Interlocked.Exchange(ref _sharedRetryAt, _time.GetTimestamp() + (long)(SharedRetryDelay.TotalSeconds * _time.TimestampFrequency));
                if (Interlocked.Exchange(ref _sharedFailing, 1) == 0)
                {
                    _logger.LogWarning(
                        "Redis did not answer for the upstream rate limit of {Definition} ({Reason}); this replica limits its own calls until it does.",
                        _definition,
                        e.GetType().Name);
                }
            }
        }

        using var lease = await _local.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        return lease.IsAcquired;
    }

    private async Task AcquireSharedAsync(RateLimiter shared, CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var lease = await shared.AcquireAsync(1, cancellationToken).ConfigureAwait(false))
            {
                if (lease.IsAcquired)
                {
                    return;
                }
            }

            // Redis keeps no queue: ask again after about one token's time, jittered so that waiters spread out.
            var wait = _interval * (0.5 + Random.Shared.NextDouble());
            await Task.Delay(wait < TimeSpan.FromMilliseconds(2) ? TimeSpan.FromMilliseconds(2) : wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _shared?.Dispose();
        _local.Dispose();
    }
}
