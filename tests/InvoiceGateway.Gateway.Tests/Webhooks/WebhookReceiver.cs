using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Gateway.Tests.Webhooks;

/// <summary>
/// A webhook receiver on real Kestrel (loopback, free port): records every request it gets (headers and
/// exact body) and answers with the status codes a test scripted, then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly ConcurrentDictionary<string, int> _scriptByBody = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedWebhook> Received => _received;

    /// <summary>While set, every request is answered with this status code (before any scripted answer); null: as scripted.</summary>
    public int? AnswerAll { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
            var matched = receiver._scriptByBody.Keys.FirstOrDefault(k => body.Contains(k, StringComparison.Ordinal));
            var status = receiver.AnswerAll is { } always ? always
                : matched is not null && receiver._scriptByBody.TryRemove(matched, out var forBody) ? forBody
                : receiver._script.TryDequeue(out var scripted) ? scripted : 200;
            receiver._received.Enqueue(new ReceivedWebhook(headers, body, status));
            receiver._arrived.Release();
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/hooks");
        return receiver;
    }

    /// <summary>The next requests are answered with these status codes, in order.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }
    }

    /// <summary>The next request whose body contains <paramref name="text"/> is answered with <paramref name="status"/>.</summary>
    public void AnswerNextFor(string text, int status) => _scriptByBody[text] = status;

    /// <summary>Waits (generously) until <paramref name="count"/> requests have arrived in all.</summary>
    public async Task<ReceivedWebhook[]> WaitForAsync(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (_received.Count < count)
        {
            await _arrived.WaitAsync(timeout.Token);
        }

        return _received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}

/// <summary>One request the receiver got, and what it answered.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body, int Answered)
{
    public IHeaderDictionary AsHeaderDictionary()
    {
        var headers = new HeaderDictionary();
        foreach (var (key, value) in Headers)
        {
            headers[key] = value;
        }

        return headers;
    }
}
