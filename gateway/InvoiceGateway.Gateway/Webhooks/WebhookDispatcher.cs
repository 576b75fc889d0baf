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
/// its type), and sends due deliveries from this outbox in the database, so a restart loses nothing: each delivery is
/// claimed with a lease (a conditional UPDATE, so of several replicas exactly one sends it; a crashed
/// replica's lease runs out), sent, and its attempt recorded with the next attempt's time. A failed attempt
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

    private const int Batch = 16;
    private const int FanOutBatch = 200;
    private const int Parallelism = 8;

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

            await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (id, token) => await AttemptAsync(id, token).ConfigureAwait(false)).ConfigureAwait(false);
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

    private async Task<List<string>> ClaimAsync(CancellationToken cancellationToken)
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

        var deliveries = db.WebhookDeliveries.IgnoreQueryFilters();
        DateTimeOffset? until = now + Lease;
        var claimed = new List<string>(candidates.Count);
        foreach (var id in candidates)
        {
            // Of several replicas that chose the same delivery, the one whose UPDATE still finds it unleased sends it.
            var rows = await deliveries
                .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LeaseUntil == null || d.LeaseUntil <= now))
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
            if (rows == 1)
            {
                claimed.Add(id);
            }
        }

        return claimed;
    }

    private async Task AttemptAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var delivery = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == id, cancellationToken).ConfigureAwait(false);
        var webhook = delivery is null
            ? null
            : await db.Webhooks.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(w => w.Id == delivery.WebhookId, cancellationToken).ConfigureAwait(false);
        if (delivery is null || webhook is null)
        {
            return; // deleted meanwhile
        }

        // Everything written from here on is the delivery's tenant's, and the context's checks hold it to that.
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(delivery.TenantId);
        var startedAt = time.GetUtcNow();
        AttemptOutcome outcome;
        try
        {
            outcome = await SendAsync(webhook, delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: not an attempt. Let another replica (or this one, restarted) have it at once.
            await db.WebhookDeliveries.Where(d => d.Id == id)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await RecordAsync(db, id, startedAt, outcome).ConfigureAwait(false);
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

    private async Task RecordAsync(GatewayDb db, string id, DateTimeOffset startedAt, AttemptOutcome outcome)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id).ConfigureAwait(false);
        var webhook = delivery is null ? null : await db.Webhooks.FirstOrDefaultAsync(w => w.Id == delivery.WebhookId).ConfigureAwait(false);
        if (delivery is null || webhook is null)
        {
            return;
        }

        var now = time.GetUtcNow();
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
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
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
}
