using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// Gateway configuration with tenants: an app key, an admin and a reader key of the default tenant,
/// the default tenant's configured GoScore source (consent 1), and two connectable definitions:
/// <c>goscore-app</c> (the app's GoScore client; each connection gives its ConsentId) and
/// <c>ibana-app</c> (each connection gives its Token).
/// </summary>
public static class TenantSetup
{
    public const string AppKey = "test-app-key-0123456789abcdef";
    public const string AdminKey = "test-admin-key-0123456789abcd";
    public const string ReaderKey = "test-reader-key-0123456789abc";

    public static Dictionary<string, string?> For(SandboxHost sandbox, params (string Key, string? Value)[] overrides)
    {
        var settings = SandboxConfig.For(sandbox);
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Gateway:Sources:", StringComparison.Ordinal) && !k.StartsWith("Gateway:Sources:goscore:", StringComparison.Ordinal)).ToArray())
        {
            settings.Remove(key);
        }

        settings["Gateway:Sources:goscore-app:Adapter"] = "goscore";
        settings["Gateway:Sources:goscore-app:BaseUrl"] = sandbox.BaseUrlOf("goscore").ToString();
        settings["Gateway:Sources:goscore-app:Auth:ClientId"] = SandboxCredentials.GoScoreClientId;
        settings["Gateway:Sources:goscore-app:Auth:SecretKey"] = SandboxCredentials.GoScoreSecretKey;
        settings["Gateway:Sources:goscore-app:Options:PageSize"] = "100";
        settings["Gateway:Sources:goscore-app:Connectable"] = "true";
        settings["Gateway:Sources:goscore-app:Timeout"] = "00:00:05";
        settings["Gateway:Sources:goscore-app:Resilience:MaxRetries"] = "0";

        settings["Gateway:Sources:ibana-app:Adapter"] = "generic";
        settings["Gateway:Sources:ibana-app:BaseUrl"] = sandbox.BaseUrlOf("ibana").ToString();
        settings["Gateway:Sources:ibana-app:Auth:Type"] = "bearer";
        settings["Gateway:Sources:ibana-app:Options:Mapping"] = "ibana";
        settings["Gateway:Sources:ibana-app:Connectable"] = "true";
        settings["Gateway:Sources:ibana-app:Timeout"] = "00:00:05";
        settings["Gateway:Sources:ibana-app:Resilience:MaxRetries"] = "0";

        settings["Gateway:ApiKeys:0:Name"] = "app";
        settings["Gateway:ApiKeys:0:Key"] = AppKey;
        settings["Gateway:ApiKeys:0:Role"] = "app";
        settings["Gateway:ApiKeys:1:Name"] = "ops";
        settings["Gateway:ApiKeys:1:Key"] = AdminKey;
        settings["Gateway:ApiKeys:1:Role"] = "admin";
        settings["Gateway:ApiKeys:2:Name"] = "reader";
        settings["Gateway:ApiKeys:2:Key"] = ReaderKey;
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A client of <paramref name="gateway"/> that sends <paramref name="key"/> (and <c>X-Tenant-Id</c> when given).</summary>
    public static HttpClient Client(GatewayServer gateway, string key, string? tenant = null)
    {
        var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        }

        return client;
    }

    /// <summary>Issues a key for <paramref name="tenant"/> with the app key and returns a client that sends it.</summary>
    public static async Task<HttpClient> TenantClientAsync(GatewayServer gateway, string tenant)
    {
        using var app = Client(gateway, AppKey);
        using var response = await app.PostAsJsonAsync($"v1/tenants/{tenant}/keys", new { name = "backend" }, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body.ToJsonString());
        return Client(gateway, body.Str("key")!);
    }

    /// <summary>Connects GoScore consent <paramref name="consent"/> as connection <paramref name="name"/>; returns the answer's body.</summary>
    public static async Task<JsonObject> ConnectGoScoreAsync(HttpClient client, string name, string consent)
    {
        using var response = await client.PostAsJsonAsync("v1/connections",
            new { name, source = "goscore-app", options = new { ConsentId = consent } }, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    /// <summary>A problem body without what differs per request (its trace id), for byte comparisons.</summary>
    public static string WithoutTrace(string problem) =>
        System.Text.RegularExpressions.Regex.Replace(problem, "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"");
}
