using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Gateway.WebConsole;
using InvoiceGateway.Gateway.Demo;
using InvoiceGateway.Gateway.Diagnostics;
using InvoiceGateway.Gateway.Events;
using InvoiceGateway.Gateway.Proxy;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tenancy;
using InvoiceGateway.Gateway.Webhooks;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Upstream;
using StackExchange.Redis;
using Yarp.ReverseProxy.Configuration;

namespace InvoiceGateway.Gateway;

/// <summary>Wires the gateway into a host: configuration checked at start-up, services, middleware and endpoints.</summary>
internal static class GatewayHost
{
    /// <summary>
    /// Reads and validates the <c>Gateway</c> section (starting the demo sandbox when no source is
    /// configured) and registers the gateway's services. Throws <see cref="GatewayConfigurationException"/>
    /// listing every problem.
    /// </summary>
    public static async Task AddInvoiceGatewayAsync(this WebApplicationBuilder builder)
    {
        var problems = new List<string>();
        var settings = GatewaySettingsReader.Read(builder.Configuration, problems);
        SandboxHost? sandbox = null;
        if (settings.Demo && problems.Count == 0)
        {
            sandbox = await DemoMode.StartSandboxAsync(builder.Configuration).ConfigureAwait(false);
            settings = settings with { Sources = DemoMode.Sources(sandbox) };
        }

        var contentRoot = builder.Environment.ContentRootPath;
        using var startupLoggers = LoggerFactory.Create(logging => logging.AddConsole());
        var startupLogger = startupLoggers.CreateLogger("InvoiceGateway.Startup");
        var plugins = PluginLoader.Load(Path.Combine(contentRoot, settings.Plugins), startupLogger, problems);
        var catalog = new AdapterCatalog(AdapterCatalog.BuiltIn.Concat(plugins), problems);
        var plans = SourceRegistry.Plan(settings, catalog, contentRoot, problems);
        var database = DatabaseSettings.Read(builder.Configuration.GetSection("Gateway"), contentRoot, problems);
        if (problems.Count == 0)
        {
            await MigrateOrStopSandboxAsync(database, sandbox).ConfigureAwait(false);
        }

        if (problems.Count > 0)
        {
            if (sandbox is not null)
            {
                await sandbox.DisposeAsync().ConfigureAwait(false);
            }

            throw new GatewayConfigurationException(problems);
        }

        if (sandbox is not null)
        {
            startupLogger.LogInformation("Demo mode: no sources configured, serving the in-process sandbox at {Sandbox}", sandbox.RootUrl);
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(database);
        services.AddScoped<TenantContext>();
        services.AddGatewayDatabase(database);
        services.AddSingleton(catalog);
        services.AddSingleton(new DemoSandbox(sandbox));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new UpstreamClientFactory(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => SourceRegistry.Create(plans, sp.GetRequiredService<UpstreamClientFactory>(), sp.GetRequiredService<TimeProvider>()));
        var cacheOptions = new InvoiceCacheOptions { Redis = settings.Redis, MemoryLimitMb = settings.CacheMemoryLimitMb };
        services.AddInvoiceCache(cacheOptions);
        services.AddSingleton<MemoryReclaimer>();
        services.AddSingleton<SourceRefresher>();
        services.AddSingleton<InvoiceAggregator>();
        services.AddSingleton<GatewayContext>();
        services.AddSingleton<ListPageCache>();
        services.AddSingleton(sp => new ConnectionDefinitions(
            plans, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IConnectionMultiplexer>(), cacheOptions.KeyPrefix));
        services.AddSingleton<ConnectionRuntimes>();
        services.AddSingleton<TenantChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<TenantChanges>());
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<TenantKeyDirectory>();
        services.AddSingleton<EventLog>();
        services.AddHostedService<EventRetention>();
        services.AddSingleton<SqliteWriteTurns>();
        services.AddSingleton<Sync.SourceChanges>();
        services.AddSingleton<Sync.SyncScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Sync.SyncScheduler>());
        services.AddExceptionHandler<DatabaseUnavailable>();
        services.AddSingleton(settings.Webhooks);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddGatewayAuthentication(settings);

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            // The server clients are told to call is configured (Gateway:PublicUrl), never taken from the request's Host.
            document.Servers = settings.PublicUrl is { } url ? [new Microsoft.OpenApi.OpenApiServer { Url = url.ToString().TrimEnd('/') }] : [];
            return Task.CompletedTask;
        }));
        services.AddGatewayRateLimiting(settings.RateLimit);
        services.AddGatewayMetrics();
        builder.AddGatewayTelemetry(settings.Telemetry);
        services.AddSingleton<SourceProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<SourceProxyConfigProvider>());
        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddSourcePassthrough();
        // ASP.NET Core starts an Activity and a logging scope for every request whenever its hosting logger is on
        // at any level; at the gateway's request rates that is measurable, and the category only logs per-request
        // Information. Off unless configured (Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics).
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        // EF Core logs every SQL command at Information; the gateway's own logs say what matters.
        if (builder.Configuration["Logging:LogLevel:Microsoft.EntityFrameworkCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        }

        services.DeferKeyRingLoading();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
    }

    private static async Task MigrateOrStopSandboxAsync(DatabaseSettings database, SandboxHost? sandbox)
    {
        try
        {
            await GatewayDatabase.MigrateAsync(database, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GatewayConfigurationException)
        {
            if (sandbox is not null)
            {
                await sandbox.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public static WebApplication MapInvoiceGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The console and the API page are static files served by middleware, not endpoints, and public: they
        // run before authentication. Only under /docs: the Swagger UI middleware matches every request's path
        // with regular expressions.
        app.UseConsole();
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase), docs =>
            docs.UseSwaggerUI(options =>
            {
                options.RoutePrefix = "docs";
                options.SwaggerEndpoint("/openapi/v1.json", "InvoiceGateway v1");
                options.DocumentTitle = "InvoiceGateway API";
            }));

        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<TenantResolution>();
        app.UseRateLimiter();

        // Every endpoint needs an authenticated caller (the fallback policy) unless it allows anonymous ones here.
        app.MapInvoicesApi();
        app.MapEInvoicingApi();
        app.MapSourcesApi();
        app.MapEventsApi();
        app.MapHealthApi().AllowAnonymous();
        app.MapGatewayTelemetry(app.Services.GetRequiredService<GatewaySettings>().Telemetry);
        app.MapReverseProxy(proxy => proxy.Use(RawPassthrough.GuardAsync));
        app.MapConnectionsApi().RequireAuthorization(GatewayPolicies.Connect);
        app.MapTenantKeysApi().RequireAuthorization(GatewayPolicies.App);
        app.MapConnectLinksApi();
        app.MapWebhooksApi().RequireAuthorization(GatewayPolicies.Connect);
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        GatewayAuthentication.WarnWhenAnonymous(app);

        // Build the sources (and connect Redis) before the first request, and let them go at shutdown.
        _ = app.Services.GetRequiredService<SourceRegistry>();
        _ = app.Services.GetRequiredService<InvoiceCache>();
        app.Lifetime.ApplicationStopped.Register(() => app.Services.GetRequiredService<DemoSandbox>().Dispose());
        return app;
    }
}

/// <summary>The in-process sandbox of demo mode, if any; stopped with the host.</summary>
internal sealed class DemoSandbox(SandboxHost? host) : IDisposable
{
    public SandboxHost? Host { get; } = host;

    public void Dispose() => Host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
