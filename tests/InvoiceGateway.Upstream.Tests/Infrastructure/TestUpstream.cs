using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream.Tests.Infrastructure;

/// <summary>A request as the test upstream received it.</summary>
public sealed record RecordedRequest(
    string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, long Timestamp)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 with scripted endpoints. Every request is recorded before its
/// handler runs; a handler gets the 1-based number of the call to its path.
/// </summary>
public sealed class TestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, int, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private TestUpstream(WebApplication app) => _app = app;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Root { get; private set; } = null!;

    /// <summary>The API root handed to clients: <c>{Root}api</c>, deliberately without a trailing slash.</summary>
    public Uri BaseUrl => new(Root, "api");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<TestUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new TestUpstream(app);
        app.Run(upstream.HandleAsync);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Root = new Uri(address.TrimEnd('/') + "/");
        return upstream;
    }

    /// <summary>Scripts the answer to a path such as <c>/api/invoices</c> (any method).</summary>
    public void On(string path, Func<HttpContext, int, Task> handler) => _routes[path] = handler;

    /// <summary>Answers a path with a fixed status and body.</summary>
    public void OnStatus(string path, int status, string body = "{}") =>
        On(path, (context, _) => Respond(context, status, body));

    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => [.. _requests.Where(r => r.Path == path)];

    public int CountOf(string path) => _requests.Count(r => r.Path == path);

    public static async Task Respond(HttpContext context, int status, string body = "{}")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = string.Empty;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var path = request.Path.Value ?? "/";
        _requests.Enqueue(new RecordedRequest(
            request.Method,
            path,
            request.QueryString.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            Stopwatch.GetTimestamp()));
        var call = _calls.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_routes.TryGetValue(path, out var handler))
        {
            await handler(context, call);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
