using InvoiceGateway.Gateway.Sources;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// The sources one tenant reads: for the default tenant the configured sources, for any other the
/// configured sources shared with every tenant (<c>Gateway:Tenants:SharedSources</c>); then the tenant's
/// own connections. Names are unique within it.
/// </summary>
internal sealed class TenantSources
{
    private readonly Dictionary<string, SourceRuntime> _byName;

    public TenantSources(IReadOnlyList<SourceRuntime> all)
    {
        All = all;
        _byName = new Dictionary<string, SourceRuntime>(StringComparer.Ordinal);
        foreach (var source in all)
        {
            _byName.TryAdd(source.Name, source);
        }
    }

    public IReadOnlyList<SourceRuntime> All { get; }

    public SourceRuntime? Find(string name) => _byName.GetValueOrDefault(name);
}
