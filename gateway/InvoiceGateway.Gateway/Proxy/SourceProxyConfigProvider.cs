using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace InvoiceGateway.Gateway.Proxy;

/// <summary>
/// The YARP route of the raw passthrough: <c>/v1/sources/{name}/raw/{**path}</c> (admin and app keys) for
/// every source a caller can read, configured or a tenant's connection. One route for all: which source a
/// name means depends on the caller's tenant, so <see cref="RawPassthrough"/> resolves it per request and
/// sends the request to that source's <c>BaseUrl</c>; a connection created or deleted in any replica is
/// served or refused at once, with no route to reload. It sits beside any routes of the standard
/// <c>ReverseProxy</c> section, which keep working.
/// </summary>
internal sealed class SourceProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    public const string SourceMetadataKey = "InvoiceGateway.Source";

    private const string RouteId = "raw-sources";

    private readonly SourceProxyConfig _config;

    public SourceProxyConfigProvider(SourceRegistry sources, ConnectionDefinitions definitions)
    {
        var timeout = sources.All.Select(s => s.Settings.Timeout)
            .Concat(definitions.All.Select(d => d.Plan.Settings.Timeout))
            .DefaultIfEmpty(TimeSpan.FromSeconds(10))
            .Max();
        _config = Build(timeout);
    }

    public IProxyConfig GetConfig() => _config;

    public void Dispose() => _config.SignalChange();

    internal static SourceProxyConfig Build(TimeSpan timeout) => new(
        [
            new RouteConfig
            {
                RouteId = RouteId,
                ClusterId = RouteId,
                // Every method matches, so that another method is refused by RawPassthrough after the
                // source's readability is checked: routing's own 405 would tell any key the source exists.
                Match = new RouteMatch { Path = "/v1/sources/{name}/raw/{**path}" },
                AuthorizationPolicy = GatewayPolicies.Operate,
                Metadata = new Dictionary<string, string> { [SourceMetadataKey] = "*" },
                Transforms =
                [
                    new Dictionary<string, string> { ["RequestHeadersCopy"] = "true" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Cookie" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Authorization" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "X-Api-Key" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "X-Tenant-Id" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Proxy-Authorization" },
                    // The source is a third party called with the gateway's own credentials: the caller's address and the
                    // gateway's host are not its business. YARP's default would add X-Forwarded-For/-Proto/-Host/-Prefix;
                    // "Remove" adds none and drops the caller's own, and the RFC 7239 header goes with them. (Three headers
                    // fewer to write and for the source to parse per request, too; bench/results/yarp-2026-12-02.md.)
                    new Dictionary<string, string> { ["X-Forwarded"] = "Remove" },
                    new Dictionary<string, string> { ["RequestHeaderRemove"] = "Forwarded" },
                    new Dictionary<string, string> { ["ResponseHeaderRemove"] = "Set-Cookie" },
                ],
            },
        ],
        [
            new ClusterConfig
            {
                ClusterId = RouteId,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    // Never used as it is: RawPassthrough sets each request's destination to its source's BaseUrl.
                    ["upstream"] = new() { Address = "http://127.0.0.1:9/" },
                },
                // One cluster serves every source: the longest source timeout bounds a silent upstream.
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = timeout },
                HttpClient = new HttpClientConfig { DangerousAcceptAnyServerCertificate = false },
            },
        ]);

    internal sealed class SourceProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void SignalChange() => _changed.Cancel();
    }
}
