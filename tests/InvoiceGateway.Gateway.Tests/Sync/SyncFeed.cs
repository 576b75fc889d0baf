using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;

namespace InvoiceGateway.Gateway.Tests.Sync;

/// <summary>What the sync tests do through HTTP: connect with a short Ttl, change the sandbox, follow the feed.</summary>
internal static class SyncFeed
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Connects GoScore consent <paramref name="consent"/> as <paramref name="name"/>, read again every <paramref name="ttl"/>.</summary>
    public static async Task ConnectAsync(HttpClient client, string name, string consent, string ttl = "00:00:01")
    {
        using var response = await client.PostAsJsonAsync("v1/connections",
            new { name, source = "goscore-app", options = new { ConsentId = consent }, cache = new { ttl } }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>
    /// Follows the feed from <paramref name="cursor"/> (long polls) until the events seen satisfy <paramref name="done"/>,
    /// or a generous bound passes; returns every event seen and the cursor after them.
    /// </summary>
    public static async Task<(List<JsonObject> Events, string Cursor)> FollowAsync(
        HttpClient client, string? cursor, Func<List<JsonObject>, bool> done, string query = "", int polls = 30, int wait = 5)
    {
        var seen = new List<JsonObject>();
        for (var poll = 0; poll < polls && !done(seen); poll++)
        {
            var url = $"v1/events?wait={wait}&limit=500" + query + (cursor is null ? string.Empty : "&after=" + cursor);
            using var response = await client.GetAsync(url, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var page = JsonNode.Parse(body)!.AsObject();
            seen.AddRange(page["data"]!.AsArray().Select(e => e!.AsObject()));
            cursor = page.Str("next");
        }

        return (seen, cursor!);
    }

    /// <summary>The cursor after every event so far.</summary>
    public static async Task<string> EndAsync(HttpClient client)
    {
        var (_, cursor) = await FollowAsync(client, null, _ => false, polls: 1);
        string? next = cursor;
        while (true)
        {
            using var response = await client.GetAsync("v1/events?limit=500&after=" + next, Ct);
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
            if (page["data"]!.AsArray().Count == 0)
            {
                return page.Str("next")!;
            }

            next = page.Str("next");
        }
    }

    public static bool Has(this List<JsonObject> events, string type, string? invoiceId = null) =>
        events.Any(e => e.Str("type") == type && (invoiceId is null || e.Str("invoiceId") == invoiceId));

    public static async Task ChangeAsync(this Sandbox.SandboxHost sandbox, HttpMethod method, string path, string? body = null)
    {
        using var http = new HttpClient { BaseAddress = sandbox.RootUrl };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>The sandbox id of invoice <paramref name="index"/> of GoScore consent <c>c{consent}</c>.</summary>
    public static string GoScoreId(int consent, int index) => (1_000_000_000_000L + (consent * 1_000L) + index).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
