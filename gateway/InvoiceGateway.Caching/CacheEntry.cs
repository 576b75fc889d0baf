using Microsoft.Extensions.Caching.Memory;
using ZiggyCreatures.Caching.Fusion;

namespace InvoiceGateway.Caching;

/// <summary>
/// The named entry options of one kind of cached value of one source (its list, or its details), built from
/// configuration in one place (<see cref="ForSource"/>): FusionCache's options, those of a "not found" answer,
/// and the source's tag, which <see cref="InvoiceCache.RemoveByTagAsync"/> drops.
/// </summary>
public sealed class CacheEntry
{
    /// <summary>The longest a "not found" answer is kept (in this replica's memory only; never longer than the Ttl).</summary>
    public static readonly TimeSpan NotFoundDuration = TimeSpan.FromSeconds(30);

    /// <summary>How long a request waits for a read when a stale copy exists; then it gets the copy and the read goes on.</summary>
    public static readonly TimeSpan SoftTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a Redis read may take before a stale copy in memory is used instead.</summary>
    public static readonly TimeSpan RedisSoftTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>How long any Redis operation may take before it counts as failed.</summary>
    public static readonly TimeSpan RedisHardTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The memory a cached detail is counted as, in KB (the unit of the memory cache's size limit).</summary>
    public const long DetailSizeKb = 4;

    private CacheEntry(string name, CachePolicy policy, FusionCacheEntryOptions options, string tag)
    {
        Name = name;
        Policy = policy;
        Options = options;
        Tags = [tag];
        NotFoundOptions = new FusionCacheEntryOptions
        {
            // "Not found" is cheap to ask again and free to invent (random ids): briefly, in memory, never shared.
            Duration = policy.Ttl < NotFoundDuration ? Max(policy.Ttl, TimeSpan.FromMilliseconds(1)) : NotFoundDuration,
            IsFailSafeEnabled = false,
            SkipDistributedCacheWrite = true,
            SkipBackplaneNotifications = true,
            Size = 1,
            Priority = CacheItemPriority.Low,
        };
    }

    /// <summary>Gets the name, e.g. <c>goscore:list</c>.</summary>
    public string Name { get; }

    /// <summary>Gets how long a copy is fresh (Ttl) and how long it may be served stale (StaleTtl).</summary>
    public CachePolicy Policy { get; }

    /// <summary>Gets the tags the entries carry: the source's tag.</summary>
    public IReadOnlyList<string> Tags { get; }

    internal FusionCacheEntryOptions Options { get; }

    internal FusionCacheEntryOptions NotFoundOptions { get; }

    /// <summary>Gets the tag of everything cached for a source.</summary>
    /// <param name="source">The source's name.</param>
    /// <returns>The tag.</returns>
    public static string SourceTag(string source) => "source:" + source;

    /// <summary>The entry options of a source's cached values.</summary>
    /// <param name="source">The source's name.</param>
    /// <param name="policy">Its Ttl and StaleTtl.</param>
    /// <param name="readTimeout">How long one read of the source may take in all: the read's hard timeout, and how long a replica waits for another's read.</param>
    /// <param name="listKeptWarm">
    /// Whether the gateway's background sync reads the list again whenever its Ttl passes (the default): the cache then
    /// never refreshes the list itself. <see langword="false"/> (sync switched off): the cache refreshes it eagerly,
    /// when a request finds it past its Ttl.
    /// </param>
    /// <returns>The list and detail entries.</returns>
    public static (CacheEntry List, CacheEntry Detail) ForSource(string source, CachePolicy policy, TimeSpan readTimeout, bool listKeptWarm = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        var tag = SourceTag(source);
        var list = listKeptWarm ? BuildKeptWarm(policy, readTimeout) : Build(policy, readTimeout, 1, CacheItemPriority.High);
        return (new CacheEntry(source + ":list", policy, list, tag),
                new CacheEntry(source + ":detail", policy, Build(policy, readTimeout, DetailSizeKb, CacheItemPriority.Normal), tag));
    }

    /// <summary>A copy of this entry's options whose memory size is <paramref name="sizeKb"/>.</summary>
    internal FusionCacheEntryOptions WithSize(long sizeKb)
    {
        var options = Options.Duplicate();
        options.Size = Math.Max(1, sizeKb);
        return options;
    }

    private static FusionCacheEntryOptions Build(CachePolicy policy, TimeSpan readTimeout, long sizeKb, CacheItemPriority priority)
    {
        // FusionCache's Duration is how long a copy is served without anyone waiting: twice the Ttl (at most
        // StaleTtl), with an eager refresh once the Ttl has passed. So the first request after the Ttl starts a
        // background read and is answered with the copy at once; a copy nobody asked for during a whole Ttl is
        // read again by the next request, which waits at most SoftTimeout before the copy is served as stale
        // while the read goes on.
        var ttl = Max(policy.Ttl, TimeSpan.FromMilliseconds(1));
        var duration = Min(ttl * 2, Max(policy.StaleTtl, ttl));
        var eager = ttl < duration ? ttl / duration : 0.9;
        return new FusionCacheEntryOptions
        {
            Duration = duration,
            EagerRefreshThreshold = Math.Clamp((float)eager, 0.01f, 0.99f),
            IsFailSafeEnabled = true,
            FailSafeMaxDuration = Max(policy.StaleTtl, duration),
            // After a failed read the copy is served this long before the upstream is asked again.
            FailSafeThrottleDuration = Min(ttl, TimeSpan.FromSeconds(30)),
            FactorySoftTimeout = SoftTimeout,
            FactoryHardTimeout = readTimeout,
            AllowTimedOutFactoryBackgroundCompletion = true,
            LockTimeout = readTimeout,
            DistributedCacheSoftTimeout = RedisSoftTimeout,
            DistributedCacheHardTimeout = RedisHardTimeout,
            AllowBackgroundDistributedCacheOperations = false,
            // A copy in Redis that cannot be read is a miss (logged by FusionCache), never an error.
            ReThrowSerializationExceptions = false,
            Size = Math.Max(1, sizeKb),
            Priority = priority,
        };
    }

    /// <summary>
    /// A source's list is kept warm by the gateway's background sync, which reads it again whenever its Ttl passes
    /// and stores the copy here: the cache never refreshes a list itself (no eager refresh, no second scheduler), and
    /// keeps the copy until StaleTtl, so a request is answered from the last copy without waiting. Only a source
    /// never read is read on demand.
    /// </summary>
    private static FusionCacheEntryOptions BuildKeptWarm(CachePolicy policy, TimeSpan readTimeout)
    {
        var options = Build(policy, readTimeout, 1, CacheItemPriority.High);
        var kept = Max(policy.StaleTtl, Max(policy.Ttl, TimeSpan.FromMilliseconds(1)));
        options.Duration = kept;
        options.EagerRefreshThreshold = null;
        options.FailSafeMaxDuration = kept;
        return options;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
