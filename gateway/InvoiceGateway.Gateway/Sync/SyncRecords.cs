namespace InvoiceGateway.Gateway.Sync;

/// <summary>
/// What the sync knows of one source (a configured source or a connection), shared by the replicas: whether it was
/// ever read, whether its last read failed, and who may read it next (the lease).
/// </summary>
internal sealed class SyncedSource
{
    /// <summary><see cref="Sources.SourceRuntime.SyncKey"/>: <c>src:{name}</c> or <c>con:{connection id}</c>.</summary>
    public required string Key { get; set; }

    public required string TenantId { get; set; }

    /// <summary>The source's name (a connection's name), the <c>source</c> of its events.</summary>
    public required string Source { get; set; }

    /// <summary>When the first complete read was stored; <c>null</c> until then.</summary>
    public DateTimeOffset? FirstSyncedAt { get; set; }

    /// <summary>Whether the last read failed (so that the next success is a <c>connection.recovered</c>).</summary>
    public bool Failed { get; set; }

    /// <summary>The replica that may read the source until <see cref="LeaseUntilMs"/>.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>Unix milliseconds (compared in SQL on both providers); 0 when nobody holds it.</summary>
    public long LeaseUntilMs { get; set; }
}

/// <summary>The last content the sync saw of one invoice: to tell what changed, and since when (<c>changedAt</c>).</summary>
internal sealed class SyncedInvoice
{
    public required string SourceKey { get; set; }

    public required string SourceId { get; set; }

    /// <summary>Hex of the first 16 bytes of the SHA-256 of <see cref="Content"/> decompressed.</summary>
    public required string Hash { get; set; }

    /// <summary>The invoice's canonical JSON (without raw and the computed fields), Brotli-compressed.</summary>
    public required byte[] Content { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Complete reads in a row the invoice was absent from; the second makes it deleted.</summary>
    public int Missing { get; set; }

    /// <summary>Whether it was overdue at the last read (so that becoming overdue is told once).</summary>
    public bool Overdue { get; set; }
}
