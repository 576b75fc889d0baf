using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Sources;

/// <summary>Every configured source, in configuration order, by name.</summary>
internal sealed class SourceRegistry : IDisposable
{
    private readonly Dictionary<string, SourceRuntime> _byName;

    private SourceRegistry(IReadOnlyList<SourceRuntime> sources)
    {
        All = sources;
        _byName = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<SourceRuntime> All { get; }

    public SourceRuntime? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Validates every source against its adapter and the upstream rules, adding each problem to
    /// <paramref name="problems"/>; returns what to build, meaningful only when there are none.
    /// </summary>
    public static IReadOnlyList<SourcePlan> Plan(GatewaySettings settings, AdapterCatalog catalog, string contentRoot, List<string> problems)
    {
        var planned = new List<SourcePlan>();
        foreach (var source in settings.Sources)
        {
            var path = $"Gateway:Sources:{source.Name}";
            if (string.IsNullOrEmpty(source.Adapter))
            {
                continue; // already reported by the reader
            }

            var adapter = catalog.Find(source.Adapter);
            if (adapter is null)
            {
                problems.Add($"{path}:Adapter '{source.Adapter}' is not a known adapter (known: {string.Join(", ", catalog.Names)}).");
                continue;
            }

            var plan = new SourcePlan(source, adapter, contentRoot);
            var descriptor = plan.Describe(TimeProvider.System);
            var adapterProblems = adapter.Validate(descriptor);

            // A connectable definition may leave out what each connection supplies: the options the adapter
            // requires and the credentials its auth type needs. Everything else is checked as for any source.
            var neededOptions = source.Connectable ? ConnectionFields.MissingOptions(adapterProblems) : [];
            var remaining = adapterProblems.Where(p => !neededOptions.Any(o => ConnectionFields.IsMissingOption(p, o))).ToList();
            foreach (var problem in remaining)
            {
                problems.Add($"{path}: {problem}");
            }

            var adapterAuth = remaining.Count == 0 ? adapter.DescribeAuth(descriptor) : null;
            var neededCredentials = source.Connectable
                ? UpstreamOptionsValidator.RequiredCredentials(source.Auth, adapterAuth).Where(f => ConnectionFields.Credential(source.Auth, f) is null).ToArray()
                : [];
            problems.AddRange(UpstreamOptionsValidator.Validate(
                source.Name, ConnectionFields.WithCredentials(source.Auth, neededCredentials.ToDictionary(f => f, _ => "placeholder")), source.Resilience, adapterAuth));
            planned.Add(plan with { AdapterAuth = adapterAuth, NeededOptions = neededOptions, NeededCredentials = neededCredentials });
        }

        return planned;
    }

    /// <summary>Builds the runtime of validated sources.</summary>
    public static SourceRegistry Create(IReadOnlyList<SourcePlan> plans, UpstreamClientFactory clients, TimeProvider time) =>
        new(plans.Where(p => !p.Settings.Connectable).Select(p =>
        {
            var descriptor = p.Describe(time);
            var client = clients.Create(new UpstreamSource
            {
                Name = p.Settings.Name,
                BaseUrl = p.Settings.BaseUrl,
                Auth = p.Settings.Auth,
                Resilience = p.Settings.Resilience,
                AdapterAuth = p.AdapterAuth,
            });
            return new SourceRuntime(p.Settings, p.Adapter, descriptor, client);
        }).ToArray());

    public void Dispose()
    {
        foreach (var source in All)
        {
            source.Dispose();
        }
    }
}

/// <summary>A validated source, ready to be built.</summary>
internal sealed record SourcePlan(SourceSettings Settings, IInvoiceAdapter Adapter, string ContentRoot)
{
    public AuthDefaults? AdapterAuth { get; init; }

    /// <summary>Of a connectable definition: the adapter options each connection must give (e.g. <c>ConsentId</c>).</summary>
    public IReadOnlyList<string> NeededOptions { get; init; } = [];

    /// <summary>Of a connectable definition: the credential fields each connection must give (e.g. <c>Token</c>).</summary>
    public IReadOnlyList<string> NeededCredentials { get; init; } = [];

    public SourceDescriptor Describe(TimeProvider time) => new()
    {
        Name = Settings.Name,
        BaseUrl = Settings.BaseUrl,
        Currency = Settings.Currency,
        Direction = Settings.Direction,
        Options = Settings.Options,
        ContentRoot = ContentRoot,
        Time = time,
        Limits = Settings.Limits,
    };
}
