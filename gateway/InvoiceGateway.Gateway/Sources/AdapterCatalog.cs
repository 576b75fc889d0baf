using InvoiceGateway.Adapters.Generic;
using InvoiceGateway.Adapters.GoScore;
using InvoiceGateway.Adapters.Sendcloud;
using InvoiceGateway.Adapters.SendRegning;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Sources;

/// <summary>The adapter kinds a source's <c>Adapter</c> setting may name: the built-in ones and the plug-ins'.</summary>
internal sealed class AdapterCatalog
{
    private readonly Dictionary<string, IInvoiceAdapter> _adapters = new(StringComparer.OrdinalIgnoreCase);

    public AdapterCatalog(IEnumerable<IInvoiceAdapter> adapters, List<string> problems)
    {
        foreach (var adapter in adapters)
        {
            if (string.IsNullOrWhiteSpace(adapter.Name))
            {
                problems.Add($"The adapter {adapter.GetType().FullName} has no name.");
            }
            else if (!_adapters.TryAdd(adapter.Name, adapter))
            {
                problems.Add($"Two adapters are named '{adapter.Name}' ({_adapters[adapter.Name].GetType().FullName} and {adapter.GetType().FullName}).");
            }
        }
    }

    public static IInvoiceAdapter[] BuiltIn { get; } =
        [new GoScoreAdapter(), new SendcloudAdapter(), new SendRegningAdapter(), new GenericAdapter()];

    public IEnumerable<string> Names => _adapters.Keys.Order(StringComparer.Ordinal);

    public IInvoiceAdapter? Find(string name) => _adapters.GetValueOrDefault(name);
}
