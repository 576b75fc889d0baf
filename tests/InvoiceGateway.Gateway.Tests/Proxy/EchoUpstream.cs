using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Proxy;

/// <summary>
/// A tiny upstream of the test's own on Kestrel: records every request exactly as it arrived (method,
/// raw target, headers) and answers 200 with that record as JSON.
/// </summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Root { get; }

    public ConcurrentQueue<EchoedRequest> Requests { get; } = new();

    public static async Task<EchoUpstream> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        EchoUpstream? self = null;
        app.Run(async context =>
        {
            var request = new EchoedRequest(
                context.Request.Method,
                context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                context.Request.Host.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
            self!.Requests.Enqueue(request);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(request));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new EchoUpstream(app, new Uri(address + "/"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record EchoedRequest(string Method, string Target, string Host, Dictionary<string, string> Headers);
