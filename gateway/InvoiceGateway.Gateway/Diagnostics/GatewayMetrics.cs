using System.Diagnostics.Metrics;
using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Proxy;
using Yarp.ReverseProxy.Model;

namespace InvoiceGateway.Gateway.Diagnostics;

/// <summary>
/// The instruments of the <c>InvoiceGateway.Gateway</c> meter, created through the host's
/// <see cref="IMeterFactory"/> (so each host, e.g. each test server, has its own meter):
/// <list type="bullet">
/// <item><c>invoicegateway.gateway.requests</c>: every request, tagged <c>endpoint</c> (the endpoint's
/// name, <c>RawPassthrough</c>, <c>ReverseProxy</c> or <c>unmatched</c>) and <c>status_class</c>
/// (<c>2xx</c> … <c>5xx</c>);</item>
/// <item><c>invoicegateway.gateway.source.outcomes</c>: each source read for a list or a refresh, tagged
/// <c>source</c> and <c>state</c> (<c>ok</c>, <c>stale</c>, <c>failed</c>, <c>skipped</c>);</item>
/// <item><c>invoicegateway.gateway.cache.outcomes</c>: where answers came from, tagged <c>endpoint</c>
/// (<c>list</c>, per source, or <c>detail</c>), <c>source</c> and <c>cache</c> (<c>hit</c>, <c>miss</c>,
/// <c>stale</c>: the detail's <c>X-Cache</c>).</item>
/// </list>
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "InvoiceGateway.Gateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _sourceOutcomes;
    private readonly Counter<long> _cacheOutcomes;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(new MeterOptions(MeterName));
        _requests = meter.CreateCounter<long>(
            "invoicegateway.gateway.requests", "{request}", "Requests answered, by endpoint and status class.");
        _sourceOutcomes = meter.CreateCounter<long>(
            "invoicegateway.gateway.source.outcomes", "{read}", "Source reads for lists and refreshes, by source and state.");
        _cacheOutcomes = meter.CreateCounter<long>(
            "invoicegateway.gateway.cache.outcomes", "{answer}", "Cache outcomes of list (per source) and detail answers.");
    }

    /// <summary>The host's metrics, or <c>null</c> in a host that did not register them.</summary>
    public static GatewayMetrics? Of(HttpContext http) => http.RequestServices.GetService<GatewayMetrics>();

    /// <summary>Whether a listener takes the request counter; when none does, requests are not wrapped to be counted.</summary>
    public bool RequestsCounted => _requests.Enabled;

    public void RecordRequest(HttpContext http)
    {
        // The tags cost a metadata lookup per request: only when a listener (an exporter, a test) takes the counter.
        if (_requests.Enabled)
        {
            _requests.Add(1, new("endpoint", EndpointOf(http)), new("status_class", StatusClass(http.Response.StatusCode)));
        }
    }

    /// <summary>A list request's (or a refresh's) per-source results, with each source's cache outcome.</summary>
    public void RecordSources(IEnumerable<SourceOutcome> outcomes)
    {
        if (!_sourceOutcomes.Enabled && !_cacheOutcomes.Enabled)
        {
            return;
        }

        foreach (var outcome in outcomes)
        {
            _sourceOutcomes.Add(1, new("source", outcome.Name), new("state", StateName(outcome.State)));
            if (outcome.Cache is { } cache)
            {
                RecordCache("list", outcome.Name, cache);
            }
        }
    }

    public void RecordDetail(string source, CacheState cache)
    {
        // Three tags per cached detail only when a listener takes them.
        if (_cacheOutcomes.Enabled)
        {
            RecordCache("detail", source, cache);
        }
    }

    internal static string CacheName(CacheState state) => state switch
    {
        CacheState.Hit => "hit",
        CacheState.Stale => "stale",
        _ => "miss",
    };

    private void RecordCache(string endpoint, string source, CacheState cache) =>
        _cacheOutcomes.Add(1, new("endpoint", endpoint), new("source", source), new("cache", CacheName(cache)));

    internal static string StateName(SourceState state) => state switch
    {
        SourceState.Ok => "ok",
        SourceState.Stale => "stale",
        SourceState.Failed => "failed",
        _ => "skipped",
    };

    private static string StatusClass(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    /// <summary>A bounded set of names: never the raw path, which a client chooses.</summary>
    private static string EndpointOf(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is null)
        {
            return "unmatched";
        }

        if (endpoint.Metadata.GetMetadata<IEndpointNameMetadata>() is { } name)
        {
            return name.EndpointName;
        }

        if (endpoint.Metadata.GetMetadata<RouteModel>() is { } proxied)
        {
            return proxied.Config.Metadata?.ContainsKey(SourceProxyConfigProvider.SourceMetadataKey) == true ? "RawPassthrough" : "ReverseProxy";
        }

        return endpoint is RouteEndpoint { RoutePattern.RawText: { } pattern } ? pattern : "unmatched";
    }
}

/// <summary>Registers <see cref="GatewayMetrics"/> and the middleware that counts every request.</summary>
internal static class GatewayMetricsRegistration
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddTransient<IStartupFilter, RequestMetricsStartupFilter>();
        return services;
    }

    /// <summary>Puts the request counter outermost, so it sees every final status (401, 429, 500 from the exception handler).</summary>
    private sealed class RequestMetricsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var metrics = app.ApplicationServices.GetRequiredService<GatewayMetrics>();
            // A state machine per request only while something listens to the counter (an exporter, a test).
            app.Use((context, nextMiddleware) =>
                metrics.RequestsCounted ? CountedAsync(metrics, context, nextMiddleware) : nextMiddleware(context));
            next(app);
        };

        private static async Task CountedAsync(GatewayMetrics metrics, HttpContext context, RequestDelegate nextMiddleware)
        {
            try
            {
                await nextMiddleware(context).ConfigureAwait(false);
            }
            finally
            {
                metrics.RecordRequest(context);
            }
        }
    }
}
