using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Upstream;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace InvoiceGateway.Gateway.Diagnostics;

/// <summary>
/// OpenTelemetry for the gateway: a trace per request (ASP.NET Core) with spans per source read, cache read and
/// upstream call, and the gateway's, upstream and cache meters. What is collected is configured here once;
/// whether anything is collected at all depends on an exporter being switched on (<c>Gateway:Telemetry</c>), so a
/// gateway without one creates no spans and pays nothing for them.
/// </summary>
internal static class GatewayTelemetry
{
    /// <summary>The path of the Prometheus scraping endpoint.</summary>
    public const string MetricsPath = "/metrics";

    public static void AddGatewayTelemetry(this WebApplicationBuilder builder, TelemetrySettings settings)
    {
        var services = builder.Services;

        // Log lines carry the trace id: the host puts it in a scope (ActivityTrackingOptions), the console shows scopes.
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        services.Configure<SimpleConsoleFormatterOptions>(options => options.IncludeScopes = true);

        // Applies to whichever tracer and meter provider is built: the exporters below, or one a test adds.
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(UpstreamTracing.SourceName, CacheTracing.SourceName)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation());
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, UpstreamClientFactory.MeterName, InvoiceCache.MeterName)
            .AddAspNetCoreInstrumentation());

        if (settings.Otlp is null && !settings.Prometheus)
        {
            return;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("invoicegateway"));
        if (settings.Otlp is { } endpoint)
        {
            telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, endpoint);
        }

        if (settings.Prometheus)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }
    }

    /// <summary>
    /// Maps <c>/metrics</c> when Prometheus is switched on. Not anonymous: like every other endpoint it needs an API
    /// key when keys are configured (source names, error counts and traffic are not for everyone).
    /// </summary>
    public static void MapGatewayTelemetry(this WebApplication app, TelemetrySettings settings)
    {
        if (settings.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }
    }
}
