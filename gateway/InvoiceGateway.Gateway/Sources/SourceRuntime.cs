using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Sources;

/// <summary>One configured source at run time: its settings, adapter, upstream client and reader.</summary>
internal sealed class SourceRuntime(SourceSettings settings, IInvoiceAdapter adapter, SourceDescriptor descriptor, UpstreamClient client)
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
    public string CachePrefix { get; } = $"src:{settings.Name}:";

    public string ListCacheKey => CachePrefix + "list";

    public string DetailCacheKey(string sourceId) => CachePrefix + "inv:" + sourceId;

    public void Dispose() => Client.Dispose();
}
