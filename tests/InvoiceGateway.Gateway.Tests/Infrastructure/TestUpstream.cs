using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Gateway.Tests.Infrastructure;

/// <summary>An upstream of a test's own on real Kestrel (loopback, a free port), with the routes the test maps.</summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestUpstream(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>The root URL, with a trailing slash.</summary>
    public Uri Root { get; }

    public static async Task<TestUpstream> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestUpstream(app, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
