using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

/// <summary>A canned answer of the stub upstream.</summary>
internal sealed record StubResponse(string Body, int Status = 200, IReadOnlyDictionary<string, string>? Headers = null, string ContentType = "application/json")
{
    public static StubResponse Json(string body) => new(body);

    public static StubResponse NotFound(string body = """{"detail":"Not found."}""") => new(body, 404);
}

/// <summary>
/// A real HTTP upstream on 127.0.0.1 with a free port, serving under <c>/api/</c> so that the adapter's
/// relative paths are exercised. Every request's path and query is recorded.
/// </summary>
internal sealed class UpstreamStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UpstreamStub(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
        BaseUrl = new Uri(root, "api/");
    }

    /// <summary>The server's root, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Root { get; }

    /// <summary>The source's BaseUrl: the root plus <c>api/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Requests received, as path relative to <see cref="BaseUrl"/> plus query, e.g. <c>v1/invoice?page=1&amp;limit=100</c>.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Starts a stub whose answers come from a function of the request (path relative to BaseUrl, and query).</summary>
    public static async Task<UpstreamStub> StartAsync(Func<string, IQueryCollection, Task<StubResponse>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        UpstreamStub? stub = null;
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            var relative = path.StartsWith("/api/", StringComparison.Ordinal) ? path["/api/".Length..] : path;
            stub!.Requests.Enqueue(relative + context.Request.QueryString.Value);
            var response = await respond(relative, context.Request.Query);
            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = response.ContentType;
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(response.Body));
        });
        await app.StartAsync();
        stub = new UpstreamStub(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        return stub;
    }

    /// <summary>Starts a stub serving fixed answers by relative path (with its query first, then without).</summary>
    public static Task<UpstreamStub> StartAsync(IReadOnlyDictionary<string, StubResponse> routes) =>
        StartAsync((path, query) =>
        {
            var withQuery = path + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query.Select(q => $"{q.Key}={q.Value}")));
            var answer = routes.TryGetValue(withQuery, out var found) ? found
                : routes.TryGetValue(path, out found) ? found
                : new StubResponse("""{"error":"no such route in the test"}""", 404);
            return Task.FromResult(answer);
        });

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
