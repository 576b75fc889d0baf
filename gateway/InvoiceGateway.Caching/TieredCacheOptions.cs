namespace InvoiceGateway.Caching;

/// <summary>Options of a <see cref="TieredCache"/>.</summary>
public sealed class TieredCacheOptions
{
    /// <summary>
    /// Gets or sets how many entries the memory tier holds; when full, expired entries and then the
    /// oldest tenth are dropped. The default value is 100 000.
    /// </summary>
    public int MaxL1Entries { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the expiry of the cross-replica fetch lock, which is also how long a replica that
    /// did not get the lock waits for the holder's value before fetching itself. The default value is 5 seconds.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how often a replica waiting on another replica's fetch looks in Redis for the value.
    /// The default value is 50 milliseconds.
    /// </summary>
    public TimeSpan LockPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxL1Entries, 1, nameof(MaxL1Entries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(LockTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockPollInterval, TimeSpan.Zero, nameof(LockPollInterval));
    }
}
