namespace InvoiceGateway.Caching;

/// <summary>
/// The shared cache tier (L2) as the rest of the gateway sees it: a few byte-oriented operations,
/// a lock and an invalidation channel. Implementations never let a failure of the store reach the
/// caller: a read answers <see langword="null"/>, a write is dropped, a lock is granted as a no-op
/// lock. Only the caller's own cancellation surfaces, as <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// This is the one place that knows about StackExchange.Redis (see <see cref="RedisStore"/>), so
/// moving to another client or major version changes one class.
/// </remarks>
public interface IDistributedStore : IDisposable
{
    /// <summary>Raised with each prefix that another replica invalidated (never for this replica's own publications).</summary>
    event Action<string>? InvalidationReceived;

    /// <summary>
    /// Gets whether the store is currently used: connected and not backing off after repeated failures.
    /// </summary>
    bool IsAvailable { get; }

    /// <summary>Reads a value.</summary>
    /// <param name="key">The key, without the store's own key prefix.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>The value, or <see langword="null"/> when absent or when the store is unavailable.</returns>
    Task<byte[]?> GetAsync(string key, CancellationToken ct);

    /// <summary>Writes a value that expires after <paramref name="expiry"/>; silently dropped when the store is unavailable.</summary>
    /// <param name="key">The key, without the store's own key prefix.</param>
    /// <param name="value">The bytes to store.</param>
    /// <param name="expiry">How long the store keeps the value.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>A task that completes when the value is written or dropped.</returns>
    Task SetAsync(string key, byte[] value, TimeSpan expiry, CancellationToken ct);

    /// <summary>Deletes every key that starts with <paramref name="prefix"/>, best effort.</summary>
    /// <param name="prefix">The key prefix, without the store's own key prefix; matched literally.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>A task that completes when the keys are deleted or the attempt was given up.</returns>
    Task DeleteByPrefixAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// Tries to take a short, expiring lock. The returned handle releases the lock when disposed,
    /// and only if the lock is still the one taken here (it may have expired and been taken by another).
    /// </summary>
    /// <param name="key">The lock key, without the store's own key prefix.</param>
    /// <param name="expiry">When the lock frees itself if never released.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>
    /// The lock; <see langword="null"/> when another holder has it; a no-op lock when the store is
    /// unavailable, so that the caller proceeds on its own.
    /// </returns>
    Task<IAsyncDisposable?> TryLockAsync(string key, TimeSpan expiry, CancellationToken ct);

    /// <summary>Tells the other replicas to drop their memory copies of the keys starting with <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The invalidated key prefix.</param>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns>A task that completes when the message is published or dropped.</returns>
    Task PublishInvalidationAsync(string prefix, CancellationToken ct);

    /// <summary>Asks the store whether it answers, for a readiness check. Never throws for a store failure.</summary>
    /// <param name="ct">The caller's cancellation.</param>
    /// <returns><see langword="true"/> when the store answered in time.</returns>
    Task<bool> PingAsync(CancellationToken ct);
}
