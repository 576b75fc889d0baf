using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Sync;

/// <summary>
/// Compares each read of a source with what the last one stored (by invoice id and content), stamps every invoice's
/// <c>changedAt</c>, and turns the differences into events, in one transaction with the state it compared against.
/// Every list read goes through here (<see cref="SourceRefresher"/>), whoever started it: the state row of the source
/// is locked for the comparison (PostgreSQL <c>FOR UPDATE</c>; one writer at a time in SQLite), so two replicas that
/// read the same change produce its event once: the second finds it already stored.
/// </summary>
internal sealed partial class SourceChanges(
    IServiceScopeFactory scopes, EventLog events, DatabaseSettings database, SqliteWriteTurns writeTurns, GatewaySettings settings, TimeProvider time, ILogger<SourceChanges> logger)
{
    /// <summary>Reads in a row an invoice must be absent from (complete ones) before it counts as deleted.</summary>
    public const int AbsentReadsForDeletion = 2;

    private static readonly HashSet<string> Computed = new(StringComparer.Ordinal) { "overdue", "daysOverdue", "changedAt" };

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Stores what <paramref name="listing"/> holds as the source's last content and appends the events of its
    /// differences. Returns the listing with each invoice's <c>changedAt</c>. When the database cannot be used, the
    /// listing is returned as read (no <c>changedAt</c>) and the next read compares against the older state.
    /// </summary>
    public async Task<SourceListing> ApplyAsync(SourceRuntime source, SourceListing listing, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(source.SyncKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var turn = await writeTurns.TakeAsync(cancellationToken).ConfigureAwait(false);
            return await CompareAndStoreAsync(source, listing, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogStoreFailed(logger, ex, source.Name);
            return listing;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A read of the source failed: the first failure after a success (or ever) is a <c>connection.failed</c>.</summary>
    public async Task FailedAsync(SourceRuntime source, UpstreamException error, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(source.SyncKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var turn = await writeTurns.TakeAsync(cancellationToken).ConfigureAwait(false);
            await using var scope = scopes.CreateAsyncScope();
            var db = Db(scope, source);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var state = await LockAsync(db, source, cancellationToken).ConfigureAwait(false);
            if (state.Failed)
            {
                return;
            }

            state.Failed = true;
            var data = new JsonObject { ["error"] = new JsonObject { ["code"] = error.Code, ["message"] = error.Message } };
            await events.AddAsync(db, [new NewEvent(EventTypes.ConnectionFailed, source.Name, null, data.ToJsonString())], cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            await events.NotifyAsync(source.Tenant, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogStoreFailed(logger, ex, source.Name);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets what was kept of a source (its connection was deleted), so that nothing of it lingers.</summary>
    public async Task ForgetAsync(string syncKey, CancellationToken cancellationToken)
    {
        using var turn = await writeTurns.TakeAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        await db.SyncedInvoices.Where(i => i.SourceKey == syncKey).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.SyncedSources.Where(s => s.Key == syncKey).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SourceListing> CompareAndStoreAsync(SourceRuntime source, SourceListing listing, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = ServedOverdue.Today(time, settings.TimeZone);
        await using var scope = scopes.CreateAsyncScope();
        var db = Db(scope, source);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var state = await LockAsync(db, source, cancellationToken).ConfigureAwait(false);
        var known = await db.SyncedInvoices.AsNoTracking()
            .Where(i => i.SourceKey == source.SyncKey)
            .ToDictionaryAsync(i => i.SourceId, StringComparer.Ordinal, cancellationToken)
            .ConfigureAwait(false);

        var first = state.FirstSyncedAt is null;
        var produced = new List<NewEvent>();
        var stamped = new Invoice[listing.Invoices.Count];
        for (var i = 0; i < stamped.Length; i++)
        {
            // Compared and stored without raw and the computed fields; cached with raw (include=raw) and changedAt.
            var read = listing.Invoices[i];
            var invoice = ServedOverdue.ForCache(read) with { ChangedAt = null };
            var content = CanonicalJson.Serialize(invoice);
            var hash = EntityTag.For(content).Trim('"');
            var overdue = invoice.DaysOverdueOn(today) is not null;
            if (known.Remove(invoice.SourceId, out var row))
            {
                if (row.Hash == hash)
                {
                    if (overdue && !row.Overdue && !first)
                    {
                        // Same content, now overdue: the due date passed.
                        produced.Add(InvoiceEvent(EventTypes.InvoiceOverdue, source, invoice with { ChangedAt = row.ChangedAt }, today, null));
                    }

                    if (row.Missing != 0 || row.Overdue != overdue)
                    {
                        row.Missing = 0;
                        row.Overdue = overdue;
                        db.SyncedInvoices.Update(row);
                    }
                }
                else
                {
                    var changes = Changes(CompressedRaw.Decompress(row.Content), content);
                    row.Hash = hash;
                    row.Content = CompressedJson(content);
                    row.ChangedAt = now;
                    row.Missing = 0;
                    row.Overdue = overdue;
                    db.SyncedInvoices.Update(row);
                    if (!first && changes.Count > 0)
                    {
                        produced.Add(InvoiceEvent(EventTypes.InvoiceUpdated, source, invoice with { ChangedAt = now }, today, changes));
                    }
                }

                stamped[i] = read with { ChangedAt = row.ChangedAt };
            }
            else
            {
                db.SyncedInvoices.Add(new SyncedInvoice
                {
                    SourceKey = source.SyncKey,
                    SourceId = invoice.SourceId,
                    Hash = hash,
                    Content = CompressedJson(content),
                    ChangedAt = now,
                    Overdue = overdue,
                });
                stamped[i] = read with { ChangedAt = now };
                if (!first)
                {
                    produced.Add(InvoiceEvent(EventTypes.InvoiceCreated, source, invoice with { ChangedAt = now }, today, null));
                }
            }
        }

        // Absent now: deleted only after a second complete read without it, never after a partial one.
        if (!listing.Notices.Any(n => n.Code == SourceNotice.Incomplete))
        {
            foreach (var row in known.Values)
            {
                row.Missing++;
                if (row.Missing >= AbsentReadsForDeletion)
                {
                    db.SyncedInvoices.Remove(row);
                    var id = source.Name + ":" + row.SourceId;
                    produced.Add(new NewEvent(EventTypes.InvoiceDeleted, source.Name, id, new JsonObject { ["invoiceId"] = id }.ToJsonString()));
                }
                else
                {
                    db.SyncedInvoices.Update(row);
                }
            }
        }

        state.Source = source.Name;
        if (first)
        {
            state.FirstSyncedAt = now;
            produced.Add(new NewEvent(EventTypes.ConnectionSynced, source.Name, null, new JsonObject { ["count"] = stamped.Length }.ToJsonString()));
        }

        if (state.Failed)
        {
            state.Failed = false;
            produced.Add(new NewEvent(EventTypes.ConnectionRecovered, source.Name, null, new JsonObject { ["count"] = stamped.Length }.ToJsonString()));
        }

        await events.AddAsync(db, produced, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (produced.Count > 0)
        {
            await events.NotifyAsync(source.Tenant, cancellationToken).ConfigureAwait(false);
        }

        return new SourceListing(stamped, listing.Notices);
    }

    private static GatewayDb Db(AsyncServiceScope scope, SourceRuntime source)
    {
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(source.Tenant);
        return scope.ServiceProvider.GetRequiredService<GatewayDb>();
    }

    /// <summary>The source's state row, created when missing, locked until the transaction ends (PostgreSQL).</summary>
    private async Task<SyncedSource> LockAsync(GatewayDb db, SourceRuntime source, CancellationToken cancellationToken)
    {
        var key = source.SyncKey;
        await EnsureStateAsync(db, database.Provider, source, cancellationToken).ConfigureAwait(false);
        return database.Provider == DatabaseProvider.Postgres
            ? await db.SyncedSources.FromSql($"""SELECT * FROM sync_sources WHERE "Key" = {key} FOR UPDATE""")
                .AsTracking().SingleAsync(cancellationToken).ConfigureAwait(false)
            : await db.SyncedSources.AsTracking().SingleAsync(s => s.Key == key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the source's state row unless it exists (replicas may race to create it).</summary>
    internal static Task EnsureStateAsync(GatewayDb db, DatabaseProvider provider, SourceRuntime source, CancellationToken cancellationToken)
    {
        var (key, tenant, name) = (source.SyncKey, source.Tenant, source.Name);
        return provider == DatabaseProvider.Postgres
            ? db.Database.ExecuteSqlAsync(
                $"""INSERT INTO sync_sources ("Key", "TenantId", "Source", "Failed", "LeaseUntilMs") VALUES ({key}, {tenant}, {name}, FALSE, 0) ON CONFLICT DO NOTHING""",
                cancellationToken)
            : db.Database.ExecuteSqlAsync(
                $"""INSERT OR IGNORE INTO sync_sources ("Key", "TenantId", "Source", "Failed", "LeaseUntilMs") VALUES ({key}, {tenant}, {name}, 0, 0)""",
                cancellationToken);
    }

    private static NewEvent InvoiceEvent(string type, SourceRuntime source, Invoice invoice, DateOnly today, JsonArray? changes)
    {
        var served = ServedOverdue.PatchToArray(invoice.DaysOverdueOn(today), CanonicalJson.Serialize(invoice));
        var node = JsonNode.Parse(served)!;
        var data = changes is null ? node : new JsonObject { ["changes"] = changes, ["invoice"] = node };
        return new NewEvent(type, source.Name, invoice.Id, data.ToJsonString());
    }

    /// <summary>
    /// The canonical fields whose values differ, by path (<c>status</c>, <c>totals.due</c>, <c>issuer.address.city</c>;
    /// arrays such as <c>lines</c> as one value): <c>[{field, from, to}]</c>, in the order of the new content.
    /// </summary>
    internal static JsonArray Changes(JsonElement before, ReadOnlySpan<byte> after)
    {
        var old = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Flatten(JsonNode.Parse(before.GetRawText()), string.Empty, old);
        var current = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Flatten(JsonNode.Parse(after), string.Empty, current);
        var changes = new JsonArray();
        foreach (var field in current.Keys.Concat(old.Keys.Where(k => !current.ContainsKey(k))))
        {
            var from = old.GetValueOrDefault(field);
            var to = current.GetValueOrDefault(field);
            if (!Computed.Contains(field) && !JsonNode.DeepEquals(from, to))
            {
                changes.Add(new JsonObject { ["field"] = field, ["from"] = from?.DeepClone(), ["to"] = to?.DeepClone() });
            }
        }

        return changes;
    }

    private static void Flatten(JsonNode? node, string path, Dictionary<string, JsonNode?> into)
    {
        if (node is JsonObject json)
        {
            foreach (var (name, value) in json)
            {
                Flatten(value, path.Length == 0 ? name : path + "." + name, into);
            }
        }
        else if (path.Length > 0)
        {
            into[path] = node;
        }
    }

    private static byte[] CompressedJson(byte[] content)
    {
        using var document = JsonDocument.Parse(content);
        return CompressedRaw.Compress(document.RootElement);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store what the sync read of source {Source}; its changes are compared again at the next read")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string source);
}
