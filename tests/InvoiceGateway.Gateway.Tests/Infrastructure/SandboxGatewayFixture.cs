using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Infrastructure;

/// <summary>One sandbox (fault-free, shared read-only) and one gateway reading its five APIs.</summary>
public sealed class SandboxGatewayFixture : IAsyncLifetime
{
    public SandboxHost Sandbox { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 });
        Gateway = await GatewayServer.StartAsync(SandboxConfig.For(Sandbox));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

public static class Api
{
    public static async Task<JsonObject> GetObjectAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Follows <c>next</c> to the end; returns every page's data in order and the number of pages.</summary>
    public static async Task<(List<JsonObject> Invoices, int Pages)> GetAllAsync(this HttpClient client, string query)
    {
        var invoices = new List<JsonObject>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = "v1/invoices?" + query + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await client.GetObjectAsync(url);
            pages++;
            invoices.AddRange(page["data"]!.AsArray().Select(n => n!.AsObject()));
            cursor = page["next"]?.GetValue<string>();
            Assert.True(pages < 1000, "paging did not end");
        }
        while (cursor is not null);

        return (invoices, pages);
    }

    public static async Task<(HttpResponseMessage Response, JsonObject Problem)> GetProblemAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        Assert.Equal((int)response.StatusCode, problem["status"]!.GetValue<int>());
        Assert.NotNull(problem["title"]);
        Assert.NotNull(problem["type"]);
        Assert.NotNull(problem["traceId"]);
        return (response, problem);
    }

    public static string? Str(this JsonNode? node, string name) => node?[name]?.GetValue<string>();

    public static JsonObject SourceState(this JsonObject page, string name) =>
        page["sources"]!.AsArray().Select(s => s!.AsObject()).Single(s => s.Str("name") == name);

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
