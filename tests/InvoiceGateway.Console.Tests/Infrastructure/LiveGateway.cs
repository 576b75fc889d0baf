using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Console.Tests.Infrastructure;

/// <summary>
/// A gateway for the Events and Webhooks pages, shared by their tests: an app key (webhooks need a key), webhooks
/// allowed to reach a receiver on loopback, and Sendcloud and Dollr read again every second, so a change to their
/// sandbox data is an event within a second or two. Started once all five sources have had their first read.
/// </summary>
public sealed class LiveGateway : IAsyncDisposable
{
    public const string AppKey = "console-test-app-key-0123456789ab";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LiveGateway(SandboxHost sandbox, GatewayServer gateway)
    {
        Sandbox = sandbox;
        Gateway = gateway;
    }

    public SandboxHost Sandbox { get; }

    public GatewayServer Gateway { get; }

    /// <summary>A client of the gateway that sends no key of its own: each call names the key it asks with.</summary>
    public HttpClient Http => Gateway.Client;

    public static async Task<LiveGateway> StartAsync()
    {
        var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2 }, cancellationToken: CancellationToken.None);
        var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:ApiKeys:0:Name", "app"),
            ("Gateway:ApiKeys:0:Key", AppKey),
            ("Gateway:ApiKeys:0:Role", "app"),
            ("Gateway:ApiKeys:0:Sources:0", "*"),
            ("Gateway:Webhooks:AllowInsecure", "true"),
            ("Gateway:Sources:sendcloud:Cache:Ttl", "00:00:01"),
            ("Gateway:Sources:dollr:Cache:Ttl", "00:00:01")));
        var live = new LiveGateway(sandbox, gateway);
        await live.WaitForEventsAsync("types=connection.synced", events => events.Count >= SandboxConfig.SourceNames.Length);
        return live;
    }

    /// <summary>Changes the sandbox's data at run time (its control API), as a user of the source would.</summary>
    public async Task ChangeAsync(HttpMethod method, string path, string body)
    {
        using var http = new HttpClient { BaseAddress = Sandbox.RootUrl };
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>
    /// Reads the default tenant's feed from the start with <paramref name="query"/> (at least one page), long-polling
    /// (a generous bound) until the events satisfy <paramref name="done"/>; returns them.
    /// </summary>
    public async Task<List<JsonObject>> WaitForEventsAsync(string query, Func<List<JsonObject>, bool> done)
    {
        var events = new List<JsonObject>();
        string? cursor = null;
        var poll = 0;
        do
        {
            var page = await Http.GetJsonAsync($"v1/events?limit=500&wait=5&{query}" + (cursor is null ? string.Empty : "&after=" + cursor), AppKey);
            events.AddRange(page["data"]!.AsArray().Select(e => e!.AsObject()));
            cursor = page.Next();
        }
        while (++poll < 20 && !done(events));

        Assert.True(done(events), $"the feed ({query}) never had the events expected: {string.Join(", ", events.Select(e => e.ToJsonString()))}");
        return events;
    }

    /// <summary>A key of a tenant of its own (issued with the app key), so each test sees only its own webhooks.</summary>
    public async Task<string> TenantKeyAsync(string tenant) =>
        (string)(await PostAsync(AppKey, $"v1/tenants/{tenant}/keys", new { name = "console" }))["key"]!;

    /// <summary>Registers a webhook through the API with <paramref name="key"/>; returns the creation's answer.</summary>
    public async Task<JsonObject> RegisterAsync(string key, Uri url, params string[] types) =>
        await PostAsync(key, "v1/webhooks", new { url = url.ToString(), types, description = "receiver" });

    /// <summary>Sends a webhook's test ping through the API; returns the delivery.</summary>
    public async Task<JsonObject> PingAsync(string key, string webhookId) =>
        await PostAsync(key, $"v1/webhooks/{webhookId}/test", null);

    private async Task<JsonObject> PostAsync(string key, string url, object? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        using var response = await Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
