namespace InvoiceGateway.Caching;

/// <summary>Where a cached answer came from.</summary>
public enum CacheState
{
    /// <summary>A fresh copy, from memory or Redis (or fetched by another replica while this one waited).</summary>
    Hit,

    /// <summary>Fetched from the upstream for this request.</summary>
    Miss,

    /// <summary>The upstream failed; the last good copy, older than its Ttl but within its StaleTtl.</summary>
    Stale,
}

/// <summary>A value with where it came from and how old it is.</summary>
/// <typeparam name="T">The cached value.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="State">Whether it is a hit, a miss (just fetched) or a stale copy.</param>
/// <param name="StoredAt">When the value was fetched from the upstream (by whichever replica fetched it).</param>
/// <param name="Error">The upstream failure when <paramref name="State"/> is <see cref="CacheState.Stale"/>; otherwise <see langword="null"/>.</param>
public sealed record CacheResult<T>(T Value, CacheState State, DateTimeOffset StoredAt, Exception? Error);

/// <summary>Turns a cached value into bytes for Redis and back. Called once per store and once per Redis read.</summary>
/// <typeparam name="T">The cached value.</typeparam>
public interface ICacheCodec<T>
{
    /// <summary>Serializes a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The bytes stored in Redis.</returns>
    byte[] Encode(T value);

    /// <summary>Deserializes a value written by <see cref="Encode"/>.</summary>
    /// <param name="bytes">The bytes read from Redis.</param>
    /// <returns>The value.</returns>
    T Decode(ReadOnlySpan<byte> bytes);
}
