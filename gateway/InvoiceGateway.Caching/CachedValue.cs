using System.Text.Json.Serialization;

namespace InvoiceGateway.Caching;

/// <summary>
/// What the cache holds: a value read from an upstream, stamped with when it was read. The stamp travels
/// with the value through Redis, so every replica ages a copy alike and reports the same age.
/// </summary>
public abstract class CachedValue
{
    /// <summary>Gets when the value was read from the upstream (by whichever replica read it).</summary>
    public DateTimeOffset StoredAt { get; init; }

    /// <summary>
    /// Gets the sequence number this replica gave the read that produced the value; 0 for a value that came
    /// from Redis. A request that began before the read answers it as a miss (it waited for it).
    /// </summary>
    [JsonIgnore]
    internal long ReadSequence { get; set; }

    /// <summary>
    /// Checks a value read back from Redis: anything a replica of this version would not have written (missing
    /// entries, nulls where entries belong) is a problem, and the copy is treated as a miss.
    /// </summary>
    /// <returns>What is wrong, or <see langword="null"/> when the value is plausible.</returns>
    public abstract string? FindImplausibility();
}
