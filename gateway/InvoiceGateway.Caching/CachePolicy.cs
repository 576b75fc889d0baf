namespace InvoiceGateway.Caching;

/// <summary>How long a cached value is served, per source.</summary>
public sealed record CachePolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="Ttl">How long after it was stored a value is fresh and served without asking the upstream. Zero or more.</param>
    /// <param name="StaleTtl">
    /// How long after it was stored the last good copy may still be served, as stale, when the
    /// upstream fails; also how long the copy is kept at all. Positive and at least <paramref name="Ttl"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A duration is negative, or <paramref name="StaleTtl"/> is not positive or is less than <paramref name="Ttl"/>.</exception>
    public CachePolicy(TimeSpan Ttl, TimeSpan StaleTtl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StaleTtl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(StaleTtl, Ttl);
        this.Ttl = Ttl;
        this.StaleTtl = StaleTtl;
    }

    /// <summary>Gets how long after it was stored a value is fresh.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Gets how long after it was stored the last good copy may be served as stale, and is kept.</summary>
    public TimeSpan StaleTtl { get; }
}
