namespace InvoiceGateway.Caching;

/// <summary>Where a cached answer came from.</summary>
public enum CacheState
{
    /// <summary>A copy younger than Ttl, from memory or Redis (also one another replica read while this one waited).</summary>
    Hit,

    /// <summary>Read from the upstream while this request waited (also when it joined a read already under way).</summary>
    Miss,

    /// <summary>
    /// A copy older than its Ttl (within StaleTtl): the upstream failed (<see cref="CacheResult{T}.Error"/> set), or
    /// the copy is served while it is read again in the background.
    /// </summary>
    Stale,
}

/// <summary>A value with where it came from and how old it is.</summary>
/// <typeparam name="T">The cached value.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="State">Whether it is a hit, a miss (just read) or a stale copy.</param>
/// <param name="Error">The last failure to read it again, when <paramref name="State"/> is <see cref="CacheState.Stale"/> because the upstream failed.</param>
public sealed record CacheResult<T>(T Value, CacheState State, Exception? Error)
    where T : CachedValue
{
    /// <summary>Gets when the value was read from the upstream.</summary>
    public DateTimeOffset StoredAt => Value.StoredAt;
}
