using System.Text.Json.Nodes;

namespace InvoiceGateway.Console.Tests.Infrastructure;

/// <summary>The same questions the console asks, asked of the API directly: what the page shows is compared with these answers.</summary>
public static class GatewayApi
{
    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string url, string? apiKey = null) =>
        (await client.GetNodeAsync(url, apiKey)).AsObject();

    public static async Task<JsonArray> GetJsonArrayAsync(this HttpClient client, string url, string? apiKey = null) =>
        (await client.GetNodeAsync(url, apiKey)).AsArray();

    private static async Task<JsonNode> GetNodeAsync(this HttpClient client, string url, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static string[] Ids(this JsonObject page) =>
        page["data"]!.AsArray().Select(invoice => invoice!["id"]!.GetValue<string>()).ToArray();

    public static string? Next(this JsonObject page) => page["next"]?.GetValue<string>();

    /// <summary>Every invoice of a query, following <c>next</c> to the end.</summary>
    public static async Task<List<JsonObject>> GetAllAsync(this HttpClient client, string query)
    {
        var all = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync("v1/invoices?" + query + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            all.AddRange(page["data"]!.AsArray().Select(i => i!.AsObject()));
            cursor = page.Next();
        }
        while (cursor is not null);
        return all;
    }
}
