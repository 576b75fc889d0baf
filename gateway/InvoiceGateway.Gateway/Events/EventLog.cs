using System.Collections.Concurrent;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Events;

/// <summary>
/// The tenants' events in the gateway's database: appended by the sync (on the replica holding the source's lease),
/// read by the feed and the webhook dispatcher. Every replica learns of an append at once: in this process through
/// <see cref="Appended"/>, in the others through PostgreSQL <c>NOTIFY</c> on the channel <see cref="TenantChanges"/>
/// already listens to; whoever waits for a tenant's next event (<see cref="NextAppend"/>) is woken either way.
/// </summary>
internal sealed partial class EventLog : IDisposable
{
    /// <summary>Any fixed number: the PostgreSQL advisory lock that serializes appends (see <see cref="AppendAsync"/>).</summary>
    private const long AppendLock = 0x49_47_45_56_54; // "IGEVT"

    private readonly IServiceScopeFactory _scopes;
    private readonly TenantChanges _changes;
    private readonly DatabaseSettings _database;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    public EventLog(IServiceScopeFactory scopes, TenantChanges changes, DatabaseSettings database, TimeProvider time)
    {
        _scopes = scopes;
        _changes = changes;
        _database = database;
        _time = time;
        changes.Changed += OnChanged;
    }

    /// <summary>
    /// Raised in every replica after events of a tenant were appended (in this replica or another); the tenant, or
    /// <c>*</c> when the replica may have missed notifications (its database listener reconnected).
    /// </summary>
    public event Action<string>? Appended;

    /// <summary>
    /// Appends <paramref name="events"/> to <paramref name="tenant"/>'s log in one transaction and tells every replica.
    /// On PostgreSQL appends take one advisory lock until they commit, so sequences become visible in their order
    /// (a reader at cursor N never misses a later-committed N-1); SQLite has one writer anyway.
    /// </summary>
    /// <returns>The stored events with their sequence and id.</returns>
    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string tenant, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        IReadOnlyList<StoredEvent> stored;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
            var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
            using var turn = await db.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            stored = await AddAsync(db, events, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await NotifyAsync(tenant, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>
    /// Adds <paramref name="events"/> to <paramref name="db"/> (scoped to their tenant) inside the caller's transaction,
    /// which must then save, commit and call <see cref="NotifyAsync"/>: for work that stores its own state with the
    /// events it produced, all or nothing. Takes the append lock on PostgreSQL (held until the transaction ends).
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> AddAsync(GatewayDb db, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        if (_database.Provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AppendLock})", cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        var stored = events.Select(e => new StoredEvent
        {
            Id = NewId(),
            Type = e.Type,
            Source = e.Source,
            InvoiceId = e.InvoiceId,
            OccurredAt = now,
            Data = e.Data,
        }).ToArray();
        db.Events.AddRange(stored);
        return stored;
    }

    /// <summary>Tells every replica (this one included) that events of <paramref name="tenant"/> were committed.</summary>
    public Task NotifyAsync(string tenant, CancellationToken cancellationToken) =>
        _changes.PublishAsync(TenantChange.Events(tenant), cancellationToken);

    /// <summary>
    /// The tenant's events after <paramref name="after"/> (a sequence; 0 for the oldest kept) in order, at most
    /// <paramref name="limit"/>, of the given types (none: all) and sources (null: all).
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(
        string tenant, long after, IReadOnlyCollection<string> types, IReadOnlyCollection<string>? sources, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(types);
        await using var scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var query = db.Events.AsNoTracking().Where(e => e.Sequence > after);
        if (types.Count > 0)
        {
            query = query.Where(e => types.Contains(e.Type));
        }

        if (sources is not null)
        {
            query = query.Where(e => e.Source != null && sources.Contains(e.Source));
        }

        return await query.OrderBy(e => e.Sequence).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest sequence appended so far (of any tenant); 0 when there is none.</summary>
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        return await db.Events.IgnoreQueryFilters().MaxAsync(e => (long?)e.Sequence, cancellationToken).ConfigureAwait(false) ?? 0;
    }

    /// <summary>
    /// A task that completes when the next events of <paramref name="tenant"/> are appended (in any replica). Take it
    /// before reading, then wait on it only when the read found nothing: an append in between completes it.
    /// </summary>
    public Task NextAppend(string tenant) =>
        _waiting.GetOrAdd(tenant, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Deletes the events that occurred before <paramref name="cutoff"/> (retention), of every tenant.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        using var turn = await db.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        return await db.Events.IgnoreQueryFilters().Where(e => e.OccurredAt < cutoff).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _changes.Changed -= OnChanged;

    private static string NewId() => "evt_" + Guid.CreateVersion7().ToString("N");

    private void OnChanged(TenantChange change)
    {
        if (change.Kind is not (TenantChangeKind.Events or TenantChangeKind.Everything))
        {
            return;
        }

        if (change.Kind == TenantChangeKind.Everything)
        {
            foreach (var tenant in _waiting.Keys)
            {
                Wake(tenant);
            }
        }
        else
        {
            Wake(change.Tenant);
        }

        Appended?.Invoke(change.Tenant);
    }

    private void Wake(string tenant)
    {
        if (_waiting.TryRemove(tenant, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
