namespace InvoiceGateway.Caching;

/// <summary>Options of the gateway's cache, from <c>Gateway:Redis</c> and <c>Gateway:Cache</c>.</summary>
public sealed record InvoiceCacheOptions
{
    /// <summary>Gets the StackExchange.Redis configuration string; <see langword="null"/> means memory only (one replica).</summary>
    public string? Redis { get; init; }

    /// <summary>
    /// Gets how much memory the cache may hold in this replica, in MB (estimated from what each copy holds). At the
    /// limit a new copy is not kept in memory (it is answered, and kept in Redis when configured) and the memory
    /// cache compacts itself: expired copies first, then details before lists, least recently used first. The
    /// default value is 1024.
    /// </summary>
    public long MemoryLimitMb { get; init; } = 1024;

    /// <summary>Gets the prefix of every key in Redis and of the backplane channel. The default value is <c>ig:</c>.</summary>
    public string KeyPrefix { get; init; } = "ig:";
}
