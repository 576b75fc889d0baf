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

    public static CallerAccess Caller(HttpContext http) => http.Features.Get<CallerAccess>() ?? CallerAccess.Anonymous;

    public IReadOnlyList<SourceRuntime> Readable(CallerAccess caller) => Sources.All.Where(s => caller.CanRead(s.Name)).ToArray();

    public static bool NoCache(HttpRequest request) =>
        request.Headers.CacheControl.Any(v => v is not null && v.Contains("no-cache", StringComparison.OrdinalIgnoreCase));
}
