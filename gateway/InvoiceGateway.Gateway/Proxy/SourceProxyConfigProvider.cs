using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace InvoiceGateway.Gateway.Proxy;

/// <summary>
/// YARP routes and clusters generated from the configured sources: <c>GET|HEAD
/// /v1/sources/{name}/raw/{**path}</c> goes to that source's <c>BaseUrl</c> + path (admins only). It sits beside
/// any routes of the standard <c>ReverseProxy</c> section, which keep working.
/// </summary>
internal sealed class SourceProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    public const string SourceMetadataKey = "InvoiceGateway.Source";

    private readonly SourceRegistry _sources;
    private volatile SourceProxyConfig _config;

    public SourceProxyConfigProvider(SourceRegistry sources)
    {
        _sources = sources;
        _config = Build(sources);
    }

    public IProxyConfig GetConfig() => _config;

    /// <summary>Regenerates the routes (e.g. after the set of sources changed) and signals YARP to reload.</summary>
    public void Reload()
    {
        var previous = _config;
        _config = Build(_sources);
        previous.SignalChange();
    }

    public void Dispose() => _config.SignalChange();

    internal static SourceProxyConfig Build(SourceRegistry sources)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var source in sources.All)
        {
            routes.Add(new RouteConfig
            {
                RouteId = "raw-" + source.Name,
                ClusterId = "source-" + source.Name,
                // Every method matches, so that another method is refused by RawPassthrough after the
                // source's readability is checked: routing's own 405 would tell any key the source exists.
                Match = new RouteMatch { Path = $"/v1/sources/{source.Name}/raw/{{**path}}" },
                AuthorizationPolicy = GatewayPolicies.Admin,
                Metadata = new Dictionary<string, string> { [SourceMetadataKey] = source.Name },
                Transforms =
                [
                    new Dictionary<string, string> { ["PathPattern"] = "/{**path}" },
                    new Dictionary<string, string> { ["RequestHeadersCopy"] = "true" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Cookie" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Authorization" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "X-Api-Key" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Proxy-Authorization" },
                    new Dictionary<string, string> { ["ResponseHeaderRemove"] = "Set-Cookie" },
                ],
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = "source-" + source.Name,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["upstream"] = new() { Address = source.Settings.BaseUrl.ToString() },
                },
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = source.Settings.Timeout },
                HttpClient = new HttpClientConfig { DangerousAcceptAnyServerCertificate = false },
            });
        }

        return new SourceProxyConfig(routes, clusters);
    }

    internal sealed class SourceProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void SignalChange() => _changed.Cancel();
    }
}
