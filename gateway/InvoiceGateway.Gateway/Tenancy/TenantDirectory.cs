using System.Collections.Concurrent;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// Each tenant's sources, read from the database on first use and kept until the tenant's connections
/// change (in this replica or, through <see cref="TenantChanges"/>, in another). A connection whose row did
/// not change keeps its runtime (its token, circuit and health). When the database cannot be read, what was
/// read before is served; the default tenant always has its configured sources.
/// </summary>
internal sealed partial class TenantDirectory : IDisposable
{
    private readonly ConcurrentDictionary<string, TenantEntry> _tenants = new(StringComparer.Ordinal);
    private readonly SourceRegistry _configured;
    private readonly ConnectionDefinitions _definitions;
    private readonly ConnectionRuntimes _runtimes;
    private readonly IServiceScopeFactory _scopes;
    private readonly TenantChanges _changes;
    private readonly ILogger<TenantDirectory> _logger;
    private readonly TenantSources _shared;

    public TenantDirectory(
        SourceRegistry configured,
        ConnectionDefinitions definitions,
        ConnectionRuntimes runtimes,
        GatewaySettings settings,
        IServiceScopeFactory scopes,
        TenantChanges changes,
        ILogger<TenantDirectory> logger)
    {
        _configured = configured;
        _definitions = definitions;
        _runtimes = runtimes;
        _scopes = scopes;
        _changes = changes;
        _logger = logger;
        _shared = new TenantSources(configured.All.Where(s => settings.Tenants.SharedSources.Contains(s.Name)).ToArray());
        Configured = new TenantSources(configured.All);
        changes.Changed += OnChanged;
    }

    /// <summary>The default tenant's configured sources, without its connections.</summary>
    public TenantSources Configured { get; }

    /// <summary>The configured sources of the default tenant that <paramref name="tenant"/> may read.</summary>
    public TenantSources BaseOf(string tenant) => tenant == TenantContext.DefaultId ? Configured : _shared;

    /// <summary>The tenant's sources; read from the database when not known or changed since.</summary>
    /// <exception cref="DatabaseUnavailableException">The tenant was never read and the database cannot be read now.</exception>
    public ValueTask<TenantSources> ForAsync(string tenant, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenant, out var entry) && entry.Current is { } current && current.Version == entry.Version)
        {
            return ValueTask.FromResult(current.Sources);
        }

        return new ValueTask<TenantSources>(LoadAsync(tenant, cancellationToken));
    }

    /// <summary>
    /// Reads the tenant again, for a request that names a source this replica does not know: it may have been
    /// created a moment ago in another replica, before its notification arrived.
    /// </summary>
    public ValueTask<TenantSources> RefreshAsync(string tenant, CancellationToken cancellationToken)
    {
        Invalidate(tenant);
        return ForAsync(tenant, cancellationToken);
    }

    public void Invalidate(string tenant)
    {
        if (tenant == TenantChange.Everything.Tenant)
        {
            foreach (var entry in _tenants.Values)
            {
                entry.Change();
            }
        }
        else if (_tenants.TryGetValue(tenant, out var entry))
        {
            entry.Change();
        }
    }

    public void Dispose() => _changes.Changed -= OnChanged;

    private void OnChanged(TenantChange change)
    {
        if (change.Kind is TenantChangeKind.Connections or TenantChangeKind.Everything)
        {
            Invalidate(change.Tenant);
        }
    }

    private async Task<TenantSources> LoadAsync(string tenant, CancellationToken cancellationToken)
    {
        var entry = _tenants.GetOrAdd(tenant, _ => new TenantEntry());
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Current is { } loaded && loaded.Version == entry.Version)
            {
                return loaded.Sources;
            }

            // The version is taken before reading: a change that arrives during the read makes what is read stale at
            // once, so the next request reads again. (A flag cleared before reading let requests in the meantime take the
            // sources read before the change as current: the old owner of a connection changed a moment before.)
            var version = entry.Version;
            try
            {
                var sources = await ReadAsync(tenant, entry, cancellationToken).ConfigureAwait(false);
                entry.Current = new LoadedSources(sources, version);
                return sources;
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogReadFailed(_logger, ex, tenant);
                return entry.Current?.Sources
                       ?? (tenant == TenantContext.DefaultId ? Configured : throw new DatabaseUnavailableException(ex));
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<TenantSources> ReadAsync(string tenant, TenantEntry entry, CancellationToken cancellationToken)
    {
        ConnectionRecord[] records;
        using (var scope = _scopes.CreateScope())
        {
            // The query filter scopes the read to the tenant, as in a request.
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
            var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
            records = await db.Connections.AsNoTracking().ToArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        var sources = new List<SourceRuntime>(BaseOf(tenant).All);
        var built = new Dictionary<string, BuiltConnection>(StringComparer.Ordinal);
        foreach (var record in records.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            if (entry.Built.TryGetValue(record.Id, out var previous) && previous.UpdatedAt == record.UpdatedAt)
            {
                built[record.Id] = previous;
                sources.Add(previous.Runtime);
                continue;
            }

            if (_definitions.Find(record.Source) is not { } definition)
            {
                LogNoDefinition(_logger, record.Id, record.Source);
                continue;
            }

            try
            {
                var runtime = _runtimes.Build(definition, record);
                built[record.Id] = new BuiltConnection(record.UpdatedAt, runtime);
                sources.Add(runtime);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or System.Text.Json.JsonException)
            {
                LogUnbuildable(_logger, ex, record.Id);
            }
        }

        // Runtimes that are gone own nothing but small objects (their HTTP handler is the definition's): the
        // garbage collector takes them once the requests still using them are done.
        entry.Built = built;
        return new TenantSources(sources);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the connections of tenant {Tenant}; serving what was read before")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Connection} is of source definition '{Definition}', which is no longer connectable; it is not served")]
    private static partial void LogNoDefinition(ILogger logger, string connection, string definition);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {Connection} cannot be served: its stored settings or credentials cannot be read")]
    private static partial void LogUnbuildable(ILogger logger, Exception exception, string connection);

    private sealed class TenantEntry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        private int _version;

        /// <summary>Counts the changes of the tenant's connections: what was read at an older count is stale.</summary>
        public int Version => Volatile.Read(ref _version);

        /// <summary>The sources last read and the version they were read at, replaced as one.</summary>
        public volatile LoadedSources? Current;

        public void Change() => Interlocked.Increment(ref _version);

        public Dictionary<string, BuiltConnection> Built { get; set; } = new(StringComparer.Ordinal);
    }

    private sealed record LoadedSources(TenantSources Sources, int Version);

    private sealed record BuiltConnection(DateTimeOffset UpdatedAt, SourceRuntime Runtime);
}

/// <summary>The database could not be read, and nothing read before can stand in.</summary>
internal sealed class DatabaseUnavailableException(Exception inner) : Exception("The gateway's database cannot be read.", inner);
