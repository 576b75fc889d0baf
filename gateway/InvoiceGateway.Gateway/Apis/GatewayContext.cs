using System.Security.Claims;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>The services every invoice and source endpoint needs, bundled for <c>[AsParameters]</c>.</summary>
internal sealed class GatewayContext(SourceRegistry sources, InvoiceAggregator aggregator, GatewaySettings settings)
{
    public SourceRegistry Sources { get; } = sources;

    public InvoiceAggregator Aggregator { get; } = aggregator;

    public GatewaySettings Settings { get; } = settings;

    public IReadOnlyList<SourceRuntime> Readable(ClaimsPrincipal caller) => Sources.All.Where(s => caller.CanRead(s.Name)).ToArray();

    /// <summary>
    /// The source named <paramref name="name"/> if the caller may read it; <c>null</c> both when it does not
    /// exist and when it is not the caller's, so that the two answers cannot be told apart.
    /// </summary>
    public SourceRuntime? FindReadable(ClaimsPrincipal caller, string name) =>
        Sources.Find(name) is { } source && caller.CanRead(source.Name) ? source : null;

    /// <summary>
    /// <c>Cache-Control: no-cache</c> bypasses the cache for admin keys only: from any other key it would
    /// let every reader multiply the load on the upstreams.
    /// </summary>
    public static bool NoCache(HttpContext http) =>
        http.User.IsAdmin()
        && http.Request.Headers.CacheControl.Any(v => v is not null && v.Contains("no-cache", StringComparison.OrdinalIgnoreCase));
}
