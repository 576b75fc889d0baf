using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Sync;

/// <summary>
/// Keeps every source warm: each configured source and each tenant's connection is read at start (or when created)
/// and again whenever its <c>Ttl</c> passes (jittered by up to a tenth), through <see cref="SourceRefresher.RefreshListAsync"/>,
/// the one seam that reads and stores a list. It is the only thing that refreshes lists: the cache keeps a list copy
/// until <c>StaleTtl</c> without refreshing it itself, so requests are answered from the last copy and never wait.
/// With several replicas each source is read by one at a time: a lease in the database (<c>sync_sources</c>), held
/// from a read until the next is due; another replica takes it over only once it lapsed (its holder stopped).
/// </summary>
internal sealed partial class SyncScheduler(
    TenantDirectory tenants,
    TenantChanges changes,
    SourceRefresher refresher,
    SourceChanges sourceChanges,
    IServiceScopeFactory scopes,
    DatabaseSettings database,
    SqliteWriteTurns writeTurns,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<SyncScheduler> logger) : BackgroundService
{
    /// <summary>How often due sources are looked for.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>How often the list of sources is read again even without a change notice (a notice may be lost).</summary>
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromMinutes(1);

    /// <summary>After a failed read the source is tried again this soon (at most its Ttl).</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly string _replica = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, Target> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _reload = true;
    private DateTimeOffset _nextReload;

    /// <summary>Completes once every source known at start was read (or tried) once.</summary>
    public Task FirstPass => _firstPass.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Sync.Enabled)
        {
            _firstPass.TrySetResult();
            return;
        }

        changes.Changed += OnChanged;
        try
        {
            // Due sources are looked for every tick, and as soon as a read finishes (a free slot): reads are not
            // limited to Concurrency per tick.
            using var timer = new PeriodicTimer(Tick, time);
            Task<bool>? tick = null;
            while (true)
            {
                await RunDueAsync(stoppingToken).ConfigureAwait(false);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                var finished = await Task.WhenAny([tick, .. _running.Values]).ConfigureAwait(false);
                if (finished == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        break;
                    }

                    tick = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            changes.Changed -= OnChanged;
            await Task.WhenAll(_running.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunDueAsync(CancellationToken stoppingToken)
    {
        foreach (var (key, task) in _running.Where(r => r.Value.IsCompleted).ToArray())
        {
            _running.Remove(key);
        }

        var now = time.GetUtcNow();
        if (_reload || now >= _nextReload)
        {
            await ReloadAsync(stoppingToken).ConfigureAwait(false);
            _nextReload = now + ReloadEvery;
        }

        foreach (var target in _targets.Values.Where(t => t.DueAt <= now).OrderBy(t => t.DueAt))
        {
            if (_running.Count >= settings.Sync.Concurrency)
            {
                break;
            }

            if (!_running.ContainsKey(target.Source.SyncKey))
            {
                _running[target.Source.SyncKey] = SyncAsync(target, stoppingToken);
            }
        }

        if (!_firstPass.Task.IsCompleted && _targets.Values.All(t => t.Tried))
        {
            _firstPass.TrySetResult();
        }
    }

    /// <summary>The sources to keep warm: the configured ones and every tenant's connections.</summary>
    private async Task ReloadAsync(CancellationToken stoppingToken)
    {
        _reload = false;
        var found = new Dictionary<string, SourceRuntime>(StringComparer.Ordinal);
        foreach (var source in tenants.Configured.All)
        {
            found[source.SyncKey] = source;
        }

        try
        {
            string[] tenantIds;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
                tenantIds = await db.Connections.IgnoreQueryFilters().Select(c => c.TenantId).Distinct().ToArrayAsync(stoppingToken).ConfigureAwait(false);
            }

            foreach (var tenant in tenantIds)
            {
                foreach (var source in (await tenants.ForAsync(tenant, stoppingToken).ConfigureAwait(false)).All.Where(s => s.ConnectionId is not null))
                {
                    found[source.SyncKey] = source;
                }
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException or DatabaseUnavailableException)
        {
            // Keep reading what was known; look again at the next tick.
            _reload = true;
            LogReloadFailed(logger, ex);
            foreach (var (key, target) in _targets)
            {
                found.TryAdd(key, target.Source);
            }
        }

        var now = time.GetUtcNow();
        foreach (var (key, source) in found)
        {
            if (!_targets.TryGetValue(key, out var target))
            {
                _targets[key] = NewTarget(source, now);
            }
            else if (!ReferenceEquals(target.Source, source))
            {
                // The connection was changed (its settings or credentials): read it with the new ones now.
                _targets[key] = new Target(source) { DueAt = now, Tried = target.Tried };
            }
        }

        foreach (var key in _targets.Keys.Where(k => !found.ContainsKey(k)).ToArray())
        {
            var gone = _targets[key].Source;
            _targets.Remove(key);
            if (gone.ConnectionId is not null && !_reload)
            {
                await ForgetAsync(gone, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A source to keep warm from now on. A connection was read whole when it was created (its check stored the copy):
    /// it is read again when that copy's Ttl passes, not at once; reading every new connection twice halved how fast a
    /// thousand of them were synced (bench/results/scale-profile.md).
    /// </summary>
    private Target NewTarget(SourceRuntime source, DateTimeOffset now)
    {
        var ttl = source.Settings.Cache.Ttl;
        return refresher.ListReadAt(source) is { } readAt && readAt + ttl > now
            ? new Target(source) { DueAt = readAt + Jittered(ttl), Tried = true }
            : new Target(source) { DueAt = now };
    }

    private async Task ForgetAsync(SourceRuntime gone, CancellationToken stoppingToken)
    {
        try
        {
            await sourceChanges.ForgetAsync(gone.SyncKey, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogReloadFailed(logger, ex);
        }
    }

    private async Task SyncAsync(Target target, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var source = target.Source;
        var ttl = Jittered(source.Settings.Cache.Ttl);
        var budget = settings.Sync.ReadTimeout > source.Settings.Timeout ? settings.Sync.ReadTimeout : source.Settings.Timeout;
        try
        {
            var now = time.GetUtcNow();
            if (await TryLeaseAsync(source, now + budget + ttl, stoppingToken).ConfigureAwait(false) is { } heldUntil)
            {
                // Another replica reads it: look again when its lease lapses.
                target.DueAt = heldUntil;
                return;
            }

            var succeeded = false;
            try
            {
                var result = await refresher.RefreshListAsync(source, stoppingToken, budget).ConfigureAwait(false);
                succeeded = result.Error is null;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Reported by the read itself (source health, connection.failed); nothing is cached yet.
                LogReadFailed(logger, source.Name, ex.Message);
            }

            var retry = ttl < RetryAfterFailure ? ttl : RetryAfterFailure;
            target.DueAt = time.GetUtcNow() + (succeeded ? ttl : retry);
            await TryLeaseAsync(source, target.DueAt, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException or DbUpdateException)
        {
            LogLeaseFailed(logger, ex, source.Name);
            target.DueAt = time.GetUtcNow() + (ttl < RetryAfterFailure ? ttl : RetryAfterFailure);
        }
        finally
        {
            target.Tried = true;
        }
    }

    /// <summary>Takes (or extends) the source's lease until <paramref name="until"/>; returns <c>null</c> when held, else when the other holder's lease lapses.</summary>
    private async Task<DateTimeOffset?> TryLeaseAsync(SourceRuntime source, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var key = source.SyncKey;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var untilMs = until.ToUnixTimeMilliseconds();
        using var turn = await writeTurns.TakeAsync(cancellationToken).ConfigureAwait(false);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        await SourceChanges.EnsureStateAsync(db, database.Provider, source, cancellationToken).ConfigureAwait(false);
        var taken = await db.SyncedSources
            .Where(s => s.Key == key && (s.LeaseUntilMs <= now || s.LeaseOwner == _replica))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.LeaseOwner, _replica).SetProperty(s => s.LeaseUntilMs, untilMs), cancellationToken)
            .ConfigureAwait(false);
        if (taken == 1)
        {
            return null;
        }

        var held = await db.SyncedSources.Where(s => s.Key == key).Select(s => s.LeaseUntilMs).SingleAsync(cancellationToken).ConfigureAwait(false);
        return DateTimeOffset.FromUnixTimeMilliseconds(held);
    }

    private static TimeSpan Jittered(TimeSpan ttl) =>
        ttl - (ttl * (Random.Shared.NextDouble() / 10));

    private void OnChanged(TenantChange change)
    {
        if (change.Kind is TenantChangeKind.Connections or TenantChangeKind.Everything)
        {
            _reload = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read which connections to keep warm; trying again")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take the sync lease of source {Source}; trying again later")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Background read of source {Source} failed: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string source, string reason);

    private sealed class Target(SourceRuntime source)
    {
        public SourceRuntime Source { get; } = source;

        private long _dueTicks;
        private int _tried;

        /// <summary>Set by the read that finished (a pool thread), read by the scheduler's loop: kept atomic.</summary>
        public DateTimeOffset DueAt
        {
            get => new(Interlocked.Read(ref _dueTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _dueTicks, value.UtcTicks);
        }

        public bool Tried
        {
            get => Volatile.Read(ref _tried) == 1;
            set => Volatile.Write(ref _tried, value ? 1 : 0);
        }
    }
}
