namespace InvoiceGateway.Caching;

/// <summary>One value in the memory tier, decoded, with its completed hit answer built once.</summary>
internal sealed class MemoryEntry(object value, DateTimeOffset storedAt, DateTimeOffset expiresAt)
{
    // Task<CacheResult<T>> for the T the entry was stored with; built on the first hit and reused,
    // so a memory hit allocates nothing.
    private object? _hit;

    public object Value { get; } = value;

    public DateTimeOffset StoredAt { get; } = storedAt;

    /// <summary>StoredAt + the StaleTtl it was stored with: after that the entry is dropped.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public Task<CacheResult<T>> Hit<T>()
        where T : class
    {
        if (_hit is Task<CacheResult<T>> hit)
        {
            return hit;
        }

        var created = Task.FromResult(new CacheResult<T>((T)Value, CacheState.Hit, StoredAt, null));
        _hit = created; // a race builds two equal answers; either is fine
        return created;
    }
}
