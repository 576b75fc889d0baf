using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using InvoiceGateway.Gateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// Finds the tenant key a request presents. Only SHA-256 digests are stored; a digest found is kept a
/// minute, one not found a few seconds, and a revocation or a new key (in any replica, through
/// <see cref="TenantChanges"/>) drops them at once.
/// </summary>
internal sealed partial class TenantKeyDirectory : IDisposable
{
    /// <summary>Every tenant key starts with this, so a configured key and a tenant key are told apart at a glance.</summary>
    public const string Prefix = "igk_";

    private const int MaxCached = 100_000;
    private static readonly TimeSpan FoundFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MissingFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly TenantChanges _changes;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantKeyDirectory> _logger;
    private int _generation;

    public TenantKeyDirectory(IServiceScopeFactory scopes, TenantChanges changes, TimeProvider time, ILogger<TenantKeyDirectory> logger)
    {
        _scopes = scopes;
        _changes = changes;
        _time = time;
        _logger = logger;
        changes.Changed += OnChanged;
    }

    /// <summary>A new key: the key itself (shown once) and the digest to store.</summary>
    public static (string Key, string Hash) Issue()
    {
        var key = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, Hash(key));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The tenant key presented, or <c>null</c> when there is none such (or the database cannot say).</summary>
    public async ValueTask<TenantKey?> FindAsync(string presented, CancellationToken cancellationToken)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(presented);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        // Taken before the lookup: a change to the keys while it runs (a revocation) must not be undone by storing what the
        // lookup read before it.
        var generation = Volatile.Read(ref _generation);
        TenantKey? found;
        try
        {
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();

            // The one lookup across tenants: the key is what says which tenant the caller is.
            found = await db.TenantKeys.IgnoreQueryFilters().AsNoTracking()
                .Where(k => k.Hash == hash)
                .Select(k => new TenantKey(k.Id, k.TenantId, k.Name))
                .FirstOrDefaultAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            LogLookupFailed(_logger, ex);
            return cached?.Key; // a key known a moment ago stays known while the database is away
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache[hash] = new CachedKey(found, now + (found is null ? MissingFor : FoundFor));
        if (Volatile.Read(ref _generation) != generation)
        {
            // The keys changed during the lookup (OnChanged counts before it drops entries): what it read may be revoked.
            _cache.TryRemove(hash, out _);
        }

        return found;
    }

    public void Dispose() => _changes.Changed -= OnChanged;

    private void OnChanged(TenantChange change)
    {
        if (change.Kind is not (TenantChangeKind.Keys or TenantChangeKind.Everything))
        {
            return;
        }

        Interlocked.Increment(ref _generation);
        foreach (var (hash, cached) in _cache)
        {
            // A key that was not found may have just been issued; a key of the tenant may have been revoked.
            if (cached.Key is null || change.Kind == TenantChangeKind.Everything || cached.Key.Tenant == change.Tenant)
            {
                _cache.TryRemove(hash, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look up a tenant key in the database")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception);

    private sealed record CachedKey(TenantKey? Key, DateTimeOffset Until);
}

/// <summary>A tenant's API key as the gateway knows it (never the key itself).</summary>
internal sealed record TenantKey(string Id, string Tenant, string Name);
