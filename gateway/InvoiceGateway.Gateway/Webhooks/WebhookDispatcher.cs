using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>
/// Turns the event log into deliveries (one per event per enabled webhook of the event's tenant that asked for
/// its type), and sends due deliveries from this outbox in the database, so a restart loses nothing: due deliveries are
/// claimed in batches with a lease (one conditional UPDATE, so of several replicas exactly one sends each; a crashed
/// replica's lease runs out), sent, and their attempts recorded with the next attempts' times in one transaction. A failed attempt
/// is retried with exponential backoff and jitter until 24 h have passed, then the delivery is failed; a
/// webhook whose attempts have all failed for 5 days is disabled. Deliveries of one webhook that share an
/// ordering key (an invoice) go one at a time, in event order. Woken by new work in this process, and
/// otherwise by the clock (<see cref="TimeProvider"/>), which also finds work other replicas stored.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    EventLog events,
    Configuration.GatewaySettings settings,
    WebhookSender sender,
    WebhookSecrets secrets,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>How long a delivery is retried after its creation (or a manual retry).</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromHours(24);

    /// <summary>A webhook whose attempts have failed for this long without one success is disabled.</summary>
    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(5);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromHours(6);

    /// <summary>Longer than one attempt may take (<see cref="WebhookSender.Timeout"/>), so a live sender never loses its claim.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>How often the outbox is looked at without a wake-up: work another replica stored.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Deliveries claimed, sent and recorded together: one claiming statement and one recording transaction per batch,
    /// not one per delivery (on SQLite each write transaction is a sync to disk). <see cref="Batch"/> /
    /// <see cref="Parallelism"/> sends of at most <see cref="WebhookSender.Timeout"/> each (40 s) stay within the lease.
    /// </summary>
    private const int Batch = 64;
    private const int Parallelism = 16;
    private const int FanOutBatch = 200;

    /// <summary>How often finished deliveries past the retention are deleted.</summary>
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    /// <summary>Completed by <see cref="Wake"/>; the loop takes it before its work, so a wake during the work is not lost.</summary>
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    /// <summary>Tells the dispatcher that there may be work now (a new delivery, a retry, an enabled webhook, new events).</summary>
    public void Wake() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>
    /// The wait before attempt <paramref name="failed"/> + 1: 10 s, then four times longer each time, at most
    /// 6 h, each ±20 % so that receivers that failed together are not retried together.
    /// </summary>
    public static TimeSpan Backoff(int failed)
    {
        var seconds = Math.Min(MaxRetry.TotalSeconds, FirstRetry.TotalSeconds * Math.Pow(4, Math.Max(0, failed - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Appended += OnAppended;
        try
        {
            await lifetime.WhenStartedAsync(stoppingToken).ConfigureAwait(false);
            await DispatchAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            events.Appended -= OnAppended;
        }
    }

    private void OnAppended(string tenant) => Wake();

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = Volatile.Read(ref _signal);
            DateTimeOffset? next = null;
            try
            {
                await FanOutAsync(stoppingToken).ConfigureAwait(false);
                next = await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                await PruneAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away for a while; the outbox is still there when it is back.
                LogDispatchFailed(logger, ex);
            }

            try
            {
                await WaitAsync(next, signal.Task, stoppingToken).ConfigureAwait(false);
                if (signal.Task.IsCompleted)
                {
                    // A wake that read the old signal after this line changed nothing this round's work will not see.
                    Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Stores a delivery for each event after the cursor and each enabled webhook of its tenant that wants it (its
    /// types, registered before the event), and moves the cursor past them, in one transaction. Replicas doing the
    /// same at once: the first to move the cursor does it; the others find it moved (PostgreSQL makes them wait for
    /// the first's commit) and start again from where it is now. The unique (webhook, event) index is the last guard.
    /// </summary>
    private async Task FanOutAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
            var cursor = await db.WebhookCursors.AsNoTracking()
                .FirstOrDefaultAsync(c => c.Name == WebhookCursorRecord.EventsName, cancellationToken).ConfigureAwait(false);
            if (cursor is null)
            {
                // The first start: from the oldest event kept (a webhook gets only events after its registration anyway).
                db.WebhookCursors.Add(new WebhookCursorRecord { Name = WebhookCursorRecord.EventsName, Sequence = 0 });
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException)
                {
                    // Another replica made it first.
                }

                continue;
            }

            var batch = await db.Events.IgnoreQueryFilters().AsNoTracking().Where(e => e.Sequence > cursor.Sequence)
                .OrderBy(e => e.Sequence).Take(FanOutBatch).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return;
            }

            var tenants = batch.Select(e => e.TenantId).Distinct(StringComparer.Ordinal).ToArray();
            var webhooks = await db.Webhooks.IgnoreQueryFilters().AsNoTracking().Where(w => w.Enabled && tenants.Contains(w.TenantId))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var wanted = webhooks.Select(w => (Webhook: w, Types: JsonSerializer.Deserialize<string[]>(w.Types) ?? [])).ToArray();

            using var turn = await db.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var end = batch[^1].Sequence;
            var moved = await db.WebhookCursors
                .Where(c => c.Name == WebhookCursorRecord.EventsName && c.Sequence == cursor.Sequence)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.Sequence, end), cancellationToken).ConfigureAwait(false);
            if (moved == 0)
            {
                continue; // another replica fanned these out
            }

            var now = time.GetUtcNow();
            foreach (var group in batch.GroupBy(e => e.TenantId, StringComparer.Ordinal))
            {
                // New rows take the context's tenant when saved: one save per tenant.
                tenant.Set(group.Key);
                foreach (var stored in group)
                {
                    foreach (var (webhook, types) in wanted)
                    {
                        // To the millisecond: the log may keep no finer time than that (SQLite).
                        if (webhook.TenantId == stored.TenantId && webhook.CreatedAt.ToUnixTimeMilliseconds() <= stored.OccurredAt.ToUnixTimeMilliseconds()
                            && (types.Length == 0 || types.Contains(stored.Type, StringComparer.Ordinal)))
                        {
                            db.WebhookDeliveries.Add(DeliveryOf(stored, webhook.Id, now));
                        }
                    }
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                db.ChangeTracker.Clear();
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Count < FanOutBatch)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Deletes succeeded and failed deliveries (and their attempts) finished longer ago than the events' retention
    /// (<c>Gateway:Events:Retention</c>): the log says what happened to the events the feed still has. Pending ones stay.
    /// </summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneEvery;
        var cutoff = now - settings.Events.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var old = db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Status != DeliveryStatus.Pending && d.CompletedAt < cutoff);
        using var turn = await db.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await db.WebhookAttempts.IgnoreQueryFilters().Where(a => old.Any(d => d.Id == a.DeliveryId))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await old.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    }

    private static WebhookDeliveryRecord DeliveryOf(StoredEvent stored, string webhookId, DateTimeOffset now) => new()
    {
        Id = WebhooksApi.NewId("dlv_"),
        WebhookId = webhookId,
        EventId = stored.Id,
        EventType = stored.Type,
        InvoiceId = stored.InvoiceId,

        // An invoice's events go in order; so do a connection's failed/recovered.
        OrderingKey = stored.InvoiceId ?? (stored.Source is { } source ? "connection:" + source : null),
        Sequence = stored.Sequence,
        Payload = Encoding.UTF8.GetString(stored.ToJsonBytes()),
        Status = DeliveryStatus.Pending,
        NextAttemptAt = now,
        RetryFrom = now,
        CreatedAt = now,
    };

    /// <summary>Claims and sends due deliveries until none is left; returns when the next one falls due, if known.</summary>
    private async Task<DateTimeOffset?> DeliverDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var claimed = await ClaimAsync(cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                break;
            }

            await SendBatchAsync(claimed, cancellationToken).ConfigureAwait(false);
        }

        // The next one this replica could send (it may be due already: the clock may have moved meanwhile), or the
        // end of a lease another replica holds. Deliveries waiting for an earlier one of their invoice are left out:
        // that one's own time wakes the loop.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var now = time.GetUtcNow();
        var attempt = await Claimable(db, now).OrderBy(d => d.NextAttemptAt)
            .Select(d => d.NextAttemptAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var lease = await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Status == DeliveryStatus.Pending && d.LeaseUntil > now)
            .OrderBy(d => d.LeaseUntil).Select(d => d.LeaseUntil).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return attempt is null ? lease : lease is null ? attempt : attempt < lease ? attempt : lease;
    }

    /// <summary>Pending deliveries no replica holds, of enabled webhooks, that no earlier delivery of their invoice holds back.</summary>
    private static IQueryable<WebhookDeliveryRecord> Claimable(GatewayDb db, DateTimeOffset now)
    {
        var deliveries = db.WebhookDeliveries.IgnoreQueryFilters();
        var webhooks = db.Webhooks.IgnoreQueryFilters();
        return deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && (d.LeaseUntil == null || d.LeaseUntil <= now))
            .Where(d => webhooks.Any(w => w.Id == d.WebhookId && w.Enabled))
            .Where(d => d.OrderingKey == null || !deliveries.Any(e =>
                e.WebhookId == d.WebhookId && e.OrderingKey == d.OrderingKey && e.Status == DeliveryStatus.Pending && e.Sequence < d.Sequence));
    }

    /// <summary>
    /// Claims up to <see cref="Batch"/> due deliveries with one UPDATE ... RETURNING: of several replicas that chose the
    /// same deliveries, each gets the ones its statement still found unleased (PostgreSQL: rows another replica's claim
    /// is locking are skipped, not waited for). Returns them with their webhooks, in the order they fell due.
    /// </summary>
    private async Task<List<Claimed>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var now = time.GetUtcNow();
        var candidates = await Claimable(db, now)
            .Where(d => d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Sequence)
            .Select(d => d.Id)
            .Take(Batch)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return [];
        }

        var ids = await LeaseAsync(db, candidates, now, now + Lease, cancellationToken).ConfigureAwait(false);
        var deliveries = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => ids.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var webhookIds = deliveries.Values.Select(d => d.WebhookId).Distinct(StringComparer.Ordinal).ToArray();
        var webhooks = await db.Webhooks.IgnoreQueryFilters().AsNoTracking().Where(w => webhookIds.Contains(w.Id))
            .ToDictionaryAsync(w => w.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);

        // A webhook deleted meanwhile took its deliveries with it.
        return [.. candidates.Where(ids.Contains).Select(id => deliveries.GetValueOrDefault(id) is { } d && webhooks.GetValueOrDefault(d.WebhookId) is { } w ? new Claimed(d, w) : null)
            .OfType<Claimed>()];
    }

    private static async Task<HashSet<string>> LeaseAsync(GatewayDb db, List<string> candidates, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // Raw SQL: EF Core's ExecuteUpdate answers a count, not which rows; both providers have RETURNING. The times are
        // Unix milliseconds in both (see GatewayDb).
        var connection = db.Database.GetDbConnection();
        using var turn = await db.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            var names = string.Join(", ", candidates.Select((_, i) => "@c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            const string Unleased = "\"Status\" = @pending AND (\"LeaseUntil\" IS NULL OR \"LeaseUntil\" <= @now)";
            var chosen = db.Database.IsNpgsql()
                ? $"SELECT \"Id\" FROM \"webhook_deliveries\" WHERE \"Id\" IN ({names}) AND {Unleased} FOR UPDATE SKIP LOCKED"
                : names;
            command.CommandText = $"UPDATE \"webhook_deliveries\" SET \"LeaseUntil\" = @until WHERE \"Id\" IN ({chosen}) AND {Unleased} RETURNING \"Id\"";
            Add(command, "until", until.ToUnixTimeMilliseconds());
            Add(command, "now", now.ToUnixTimeMilliseconds());
            Add(command, "pending", DeliveryStatus.Pending);
            for (var i = 0; i < candidates.Count; i++)
            {
                Add(command, "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), candidates[i]);
            }

            var leased = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                leased.Add(reader.GetString(0));
            }

            return leased;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Sends a claimed batch (<see cref="Parallelism"/> at a time) and records every attempt in one transaction.</summary>
    private async Task SendBatchAsync(List<Claimed> claimed, CancellationToken cancellationToken)
    {
        var attempts = new Attempt?[claimed.Count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var startedAt = time.GetUtcNow();
                    var outcome = await SendAsync(claimed[i].Webhook, claimed[i].Delivery, token).ConfigureAwait(false);
                    attempts[i] = new Attempt(claimed[i].Delivery.Id, startedAt, outcome);
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what was sent is recorded; the rest was not an attempt, and another replica (or this one,
            // restarted) may have it at once.
            await RecordAsync([.. attempts.OfType<Attempt>()]).ConfigureAwait(false);
            await using var scope = scopes.CreateAsyncScope();
            var unsent = claimed.Where((_, i) => attempts[i] is null).Select(c => c.Delivery.Id).ToArray();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
            using var turn = await db.TakeWriteTurnAsync(CancellationToken.None).ConfigureAwait(false);
            await db.WebhookDeliveries.IgnoreQueryFilters()
                .Where(d => unsent.Contains(d.Id) && d.Status == DeliveryStatus.Pending)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await RecordAsync([.. attempts.OfType<Attempt>()]).ConfigureAwait(false);
    }

    private async Task<AttemptOutcome> SendAsync(WebhookRecord webhook, WebhookDeliveryRecord delivery, CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = secrets.Unprotect(webhook.Secret);
        }
        catch (CryptographicException)
        {
            return new AttemptOutcome(null, "the webhook's secret cannot be read with this gateway's Data Protection keys", 0);
        }

        return Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url)
            ? await sender.SendAsync(url, secret, delivery.EventId, delivery.Payload, cancellationToken).ConfigureAwait(false)
            : new AttemptOutcome(null, "refused: the webhook's url is not an absolute URL", 0);
    }

    /// <summary>
    /// Records a batch of attempts in one transaction (one save per tenant: the context holds each save to one tenant's
    /// rows), in the order they were claimed, so a webhook's failing streak reads them in order.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<Attempt> attempts)
    {
        if (attempts.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var ids = attempts.Select(a => a.DeliveryId).ToArray();
        var deliveries = await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => ids.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, StringComparer.Ordinal).ConfigureAwait(false);
        var webhookIds = deliveries.Values.Select(d => d.WebhookId).Distinct(StringComparer.Ordinal).ToArray();
        var webhooks = await db.Webhooks.IgnoreQueryFilters().Where(w => webhookIds.Contains(w.Id))
            .ToDictionaryAsync(w => w.Id, StringComparer.Ordinal).ConfigureAwait(false);

        var now = time.GetUtcNow();
        using var turn = await db.TakeWriteTurnAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var group in attempts.GroupBy(a => deliveries.GetValueOrDefault(a.DeliveryId)?.TenantId, StringComparer.Ordinal))
        {
            if (group.Key is null)
            {
                continue; // deleted meanwhile (with its webhook)
            }

            tenant.Set(group.Key);
            foreach (var attempt in group)
            {
                var delivery = deliveries[attempt.DeliveryId];
                if (webhooks.GetValueOrDefault(delivery.WebhookId) is { } webhook)
                {
                    Apply(db, delivery, webhook, attempt, now);
                }
            }

            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void Apply(GatewayDb db, WebhookDeliveryRecord delivery, WebhookRecord webhook, Attempt attempt, DateTimeOffset now)
    {
        var (_, startedAt, outcome) = attempt;
        delivery.AttemptCount++;
        delivery.LastStatusCode = outcome.StatusCode;
        delivery.LeaseUntil = null;
        DateTimeOffset? next = null;
        if (outcome.Succeeded)
        {
            delivery.Status = DeliveryStatus.Succeeded;
            delivery.NextAttemptAt = null;
            delivery.CompletedAt = now;
            webhook.FailingSince = null;
        }
        else
        {
            var retryAt = now + Backoff(delivery.AttemptCount);
            if (retryAt - delivery.RetryFrom > RetryFor)
            {
                delivery.Status = DeliveryStatus.Failed;
                delivery.NextAttemptAt = null;
                delivery.CompletedAt = now;
                LogDeliveryFailed(logger, delivery.Id, webhook.Id, delivery.AttemptCount);
            }
            else
            {
                delivery.NextAttemptAt = next = retryAt;
            }

            webhook.FailingSince ??= startedAt;
            if (webhook.Enabled && now - webhook.FailingSince >= DisableAfter)
            {
                webhook.Enabled = false;
                webhook.DisabledReason = $"Every attempt failed from {webhook.FailingSince:u} to {now:u} (5 days); enable it again with PATCH {{\"enabled\": true}}.";
                webhook.UpdatedAt = now;
                LogWebhookDisabled(logger, webhook.Id, webhook.TenantId);
            }
        }

        db.WebhookAttempts.Add(new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            Number = delivery.AttemptCount,
            At = startedAt,
            StatusCode = outcome.StatusCode,
            Error = outcome.Error is { Length: > 500 } text ? text[..500] : outcome.Error,
            DurationMs = outcome.DurationMs,
            NextAttemptAt = next,
        });
    }

    /// <summary>Until <paramref name="due"/> (at most <see cref="Poll"/>), or until woken.</summary>
    private async Task WaitAsync(DateTimeOffset? due, Task woken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wait = due is { } at && at - now < Poll ? at - now : Poll;
        if (wait <= TimeSpan.Zero || woken.IsCompleted)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, time, stop.Token);

        // The clock may have moved between reading it and starting the timer (a test's fake clock does).
        if (due is { } dueAt && time.GetUtcNow() >= dueAt)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            return;
        }

        await Task.WhenAny(delay, woken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} webhook deliveries finished before the events' retention")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatch failed; trying again shortly.")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {WebhookId} failed after {Attempts} attempts in 24 h; it is not retried any more.")]
    private static partial void LogDeliveryFailed(ILogger logger, string deliveryId, string webhookId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} of tenant {TenantId} disabled: its attempts have failed for 5 days.")]
    private static partial void LogWebhookDisabled(ILogger logger, string webhookId, string tenantId);

    /// <summary>A delivery this replica holds the lease of, and its webhook as it was when claimed.</summary>
    private sealed record Claimed(WebhookDeliveryRecord Delivery, WebhookRecord Webhook);

    /// <summary>One attempt made, to be recorded.</summary>
    private sealed record Attempt(string DeliveryId, DateTimeOffset StartedAt, AttemptOutcome Outcome);
}
