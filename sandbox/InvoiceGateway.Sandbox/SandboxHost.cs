using InvoiceGateway.Sandbox.Serving;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace InvoiceGateway.Sandbox;

/// <summary>
/// The sandbox on its own Kestrel server, for tests and tools: <c>await using var sandbox = await SandboxHost.StartAsync();</c>
/// then point sources at <see cref="BaseUrlOf"/>. Reads no configuration, environment or appsettings.
/// </summary>
public sealed class SandboxHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private int disposed;

    private SandboxHost(WebApplication app, Uri rootUrl)
    {
        this.app = app;
        RootUrl = rootUrl;
        Faults = app.Services.GetRequiredService<SandboxFaults>();
        Requests = app.Services.GetRequiredService<SandboxRequestLog>();
    }

    /// <summary>The root the sandbox listens on, with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri RootUrl { get; }

    /// <summary>Runtime fault injection, per API.</summary>
    public SandboxFaults Faults { get; }

    /// <summary>Requests received, per API.</summary>
    public SandboxRequestLog Requests { get; }

    /// <summary>
    /// Generates the data, starts Kestrel on <paramref name="url"/> and returns once it listens. Port 0 picks a free port.
    /// </summary>
    /// <param name="options">What to generate; the defaults when <c>null</c>.</param>
    /// <param name="url">The address to listen on.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running sandbox; dispose it to stop.</returns>
    public static async Task<SandboxHost> StartAsync(
        SandboxOptions? options = null, string url = "http://127.0.0.1:0", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SandboxHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Services.AddSandbox(options ?? new SandboxOptions());
        var app = builder.Build();
        app.Urls.Add(url);
        app.MapSandbox();
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new SandboxHost(app, RootOf(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The vendor-documented API root of <paramref name="api"/> on this sandbox, without trailing slash, e.g. <c>http://127.0.0.1:41234/goscore/api/1.0</c>.</summary>
    /// <param name="api">One of <see cref="SandboxApis.Names"/>: goscore, sendcloud, sendregning, ibana, dollr.</param>
    /// <exception cref="ArgumentException">Unknown api.</exception>
    public Uri BaseUrlOf(string api) => new(RootUrl, SandboxApis.RelativeBaseUrl(api));

    /// <summary>Sendcloud's OAuth2 token URL on this sandbox (<c>{root}sendcloud/oauth2/token/</c>).</summary>
    public Uri SendcloudTokenUrl => new(RootUrl, SandboxApis.SendcloudRelativeTokenUrl);

    /// <summary>Stops the server. Calling it again does nothing.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>A connectable root from a listening address: wildcard hosts become 127.0.0.1.</summary>
    internal static Uri RootOf(string address)
    {
        var builder = new UriBuilder(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "127.0.0.1";
        }

        builder.Path = "/";
        return builder.Uri;
    }
}
