namespace InvoiceGateway.Caching;

/// <summary>Identifies a flight: a bypassing (no-cache) fetch never shares a flight with a normal one.</summary>
internal readonly record struct FlightKey(string Key, bool Bypass);

/// <summary>One upstream fetch in progress for a key, shared by every caller that misses meanwhile.</summary>
internal abstract class Flight(string key)
{
    private volatile bool _invalidated;

    public string Key { get; } = key;

    /// <summary>Set when the key was invalidated during the fetch: the result is answered but not cached.</summary>
    public bool Invalidated => _invalidated;

    public void Invalidate() => _invalidated = true;
}

/// <summary>A flight's answer, with the tier it came from for the metrics.</summary>
internal sealed record FlightOutcome<T>(CacheResult<T> Result, CacheLevel Level);

internal sealed class Flight<T>(string key) : Flight(key)
{
    public TaskCompletionSource<FlightOutcome<T>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
