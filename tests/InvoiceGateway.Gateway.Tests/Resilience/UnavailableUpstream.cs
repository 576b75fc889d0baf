using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Gateway.Tests.Resilience;

/// <summary>
/// An upstream of the test's own on real Kestrel that answers every request 503 with
/// <c>Retry-After: 0</c> (an answer a GET is retried on) and counts the requests per method. The
/// sandbox faults only its data endpoints, so this is how a failing POST (a token exchange) is shown.
/// </summary>
internal sealed class UnavailableUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests;

    private UnavailableUpstream(WebApplication app, Uri root, ConcurrentDictionary<string, int> requests)
    {
        _app = app;
        Root = root;
        _requests = requests;
    }

    /// <summary>The root URL, with a trailing slash.</summary>
    public Uri Root { get; }

    public static async Task<UnavailableUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        app.Run(http =>
        {
            counts.AddOrUpdate(http.Request.Method, 1, (_, n) => n + 1);
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "0";
            return http.Response.WriteAsJsonAsync(new { error = "temporarily_unavailable" });
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new UnavailableUpstream(app, new Uri(address.TrimEnd('/') + "/"), counts);
    }

    /// <summary>How many requests of <paramref name="method"/> arrived.</summary>
    public int Count(string method) => _requests.GetValueOrDefault(method);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
