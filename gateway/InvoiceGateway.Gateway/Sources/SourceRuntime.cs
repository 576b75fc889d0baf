using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Sources;

/// <summary>
/// One source at run time (a configured source, or a tenant's connection): its settings, adapter,
/// upstream client and reader. A connection's cache entries are keyed by its id, never by its name,
/// which other tenants may use too.
/// </summary>
internal sealed class SourceRuntime(
    SourceSettings settings, IInvoiceAdapter adapter, SourceDescriptor descriptor, UpstreamClient client, string? connectionId = null,
    string tenant = Tenancy.TenantContext.DefaultId)
    : IDisposable
{
    public string Name => Settings.Name;

    public SourceSettings Settings { get; } = settings;

    public IInvoiceAdapter Adapter { get; } = adapter;

    public SourceDescriptor Descriptor { get; } = descriptor;

    public UpstreamClient Client { get; } = client;

    public IInvoiceSource Reader { get; } = adapter.Create(descriptor, client.Http);

    public InvoiceDirection Direction { get; } = descriptor.Direction ?? adapter.DefaultDirectionFor(descriptor);

    /// <summary>Cache key prefix of everything cached for this source.</summary>
    public string CachePrefix { get; } = connectionId is null ? $"src:{settings.Name}:" : $"con:{connectionId}:";

    /// <summary>The connection's id; <c>null</c> for a configured source.</summary>
    public string? ConnectionId { get; } = connectionId;

    /// <summary>The cache key of the source's list (kept: every list request looks it up).</summary>
    public string ListCacheKey { get; } = (connectionId is null ? $"src:{settings.Name}:" : $"con:{connectionId}:") + "list";

    /// <summary>Where the raw passthrough sends this source's requests: its <c>BaseUrl</c> without the trailing slash.</summary>
    public string ProxyPrefix { get; } = settings.BaseUrl.ToString().TrimEnd('/');

    /// <summary>The tenant whose source this is: a connection's tenant; the default tenant for a configured source.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>What the sync keeps of this source in the database is filed under this key (by connection id for a connection).</summary>
    public string SyncKey => CachePrefix[..^1];

    /// <summary>The tag of everything cached for this source (by connection id for a connection), which a refresh drops.</summary>
    public string CacheTag { get; } = CacheEntry.SourceTag(connectionId is null ? settings.Name : "con:" + connectionId);

    /// <summary>The cache entry options of the list and of details, from the source's <c>Cache</c> and <c>Timeout</c>.</summary>
    public (CacheEntry List, CacheEntry Detail) CacheEntries { get; } =
        CacheEntry.ForSource(connectionId is null ? settings.Name : "con:" + connectionId, settings.Cache, settings.Timeout, settings.KeptWarmBySync);

    public string DetailCacheKey(string sourceId) => CachePrefix + "inv:" + sourceId;

    public void Dispose() => Client.Dispose();
}
