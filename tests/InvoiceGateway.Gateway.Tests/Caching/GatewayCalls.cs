using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>The requests the cache and resilience tests make, and bounded polling for conditions that become true later.</summary>
internal static class GatewayCalls
{
    /// <summary>GET with the headers a client uses to steer the cache.</summary>
    public static async Task<HttpResponseMessage> RequestAsync(
        this HttpClient client, string url, bool noCache = false, EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (noCache)
        {
            request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>GET of a list that must succeed; <paramref name="noCache"/> sends <c>Cache-Control: no-cache</c>.</summary>
    public static async Task<JsonObject> GetPageAsync(this HttpClient client, string url, bool noCache = false)
    {
        using var response = await client.RequestAsync(url, noCache);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static string XCache(this HttpResponseMessage response) => response.Headers.GetValues("X-Cache").Single();

    /// <summary>The circuit state <c>GET /v1/sources</c> shows for <paramref name="source"/>.</summary>
    public static async Task<string?> CircuitOfAsync(this HttpClient client, string source)
    {
        using var response = await client.GetAsync("v1/sources", TestContext.Current.CancellationToken);
        var sources = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        return sources.Single(s => s!["name"]!.GetValue<string>() == source)!["circuit"]!.GetValue<string>();
    }

    /// <summary>
    /// Timeouts far above what the sources need, for tests that count upstream requests: on a loaded
    /// machine the test configuration's 2 s attempt timeout could expire and retry, adding a request
    /// that has nothing to do with what is being counted.
    /// </summary>
    public static (string Key, string? Value)[] GenerousTimeouts(params string[] sources) =>
    [
        .. sources.SelectMany(source => new (string, string?)[]
        {
            ($"Gateway:Sources:{source}:Timeout", "00:00:30"),
            ($"Gateway:Sources:{source}:Resilience:AttemptTimeout", "00:00:20"),
            ($"Gateway:Sources:{source}:Resilience:TotalTimeout", "00:00:30"),
        }),
    ];

    /// <summary>The gateway's retry log lines, to explain an unexpected upstream request count.</summary>
    public static string Retries(this Infrastructure.GatewayServer gateway) =>
        string.Join(Environment.NewLine, gateway.Logs.Lines.Where(l => l.Contains("retrying", StringComparison.Ordinal)));

    /// <summary>
    /// Checks <paramref name="condition"/> until it holds or <paramref name="limit"/> has passed; the
    /// interval only paces the checks, the condition decides. Returns whether it held.
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan limit, TimeSpan? interval = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                return false;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }
}
