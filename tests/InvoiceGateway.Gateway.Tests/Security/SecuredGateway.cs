using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>The API keys of the security tests, each with its own scope.</summary>
public static class TestKeys
{
    /// <summary>Reads goscore and ibana only; configured as <c>sha256:&lt;hex&gt;</c>, never in clear.</summary>
    public const string Billing = "billing-app-key-7f3a9c2e5b1d4e6f";

    /// <summary>Admin of every source.</summary>
    public const string Ops = "ops-admin-key-2c8e4a6b9d1f3e5a7c";

    /// <summary>Admin, but of sendcloud only.</summary>
    public const string SendcloudAdmin = "sendcloud-admin-key-5e7a9c1b3d5f";

    /// <summary>Reads every source, not an admin.</summary>
    public const string Reader = "reader-key-all-sources-8b2d4f6a0c";

    public static readonly string[] All = [Billing, Ops, SendcloudAdmin, Reader];

    public static string Sha256(string key) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The <c>Gateway:ApiKeys</c> section for the four keys.</summary>
    public static (string Key, string? Value)[] Settings() =>
    [
        ("Gateway:ApiKeys:0:Name", "billing-app"),
        ("Gateway:ApiKeys:0:Key", Sha256(Billing)),
        ("Gateway:ApiKeys:0:Sources:0", "goscore"),
        ("Gateway:ApiKeys:0:Sources:1", "ibana"),
        ("Gateway:ApiKeys:1:Name", "ops"),
        ("Gateway:ApiKeys:1:Key", Ops),
        ("Gateway:ApiKeys:1:Sources:0", "*"),
        ("Gateway:ApiKeys:1:Admin", "true"),
        ("Gateway:ApiKeys:2:Name", "sendcloud-ops"),
        ("Gateway:ApiKeys:2:Key", SendcloudAdmin),
        ("Gateway:ApiKeys:2:Sources:0", "sendcloud"),
        ("Gateway:ApiKeys:2:Admin", "true"),
        ("Gateway:ApiKeys:3:Name", "reader"),
        ("Gateway:ApiKeys:3:Key", Reader),
    ];

    /// <summary>The sandbox configuration with the four keys (and any further settings).</summary>
    public static Dictionary<string, string?> ConfigFor(SandboxHost sandbox, params (string Key, string? Value)[] overrides) =>
        SandboxConfig.For(sandbox, [.. Settings(), .. overrides]);
}

/// <summary>One sandbox and one gateway with the four <see cref="TestKeys"/>.</summary>
public sealed class KeyedGatewayFixture : IAsyncLifetime
{
    public SandboxHost Sandbox { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 });
        // Its tests assert that answers reach no source: no background reads may reach one meanwhile.
        Gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(Sandbox, ("Gateway:Sync:Enabled", "false")));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

public static class KeyedRequests
{
    /// <summary>Sends <paramref name="method"/> <paramref name="url"/> with <paramref name="key"/> (none when <c>null</c>).</summary>
    public static async Task<HttpResponseMessage> SendWithKeyAsync(
        this HttpClient client, HttpMethod method, string url, string? key, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        headers?.Invoke(request.Headers);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> GetWithKeyAsync(this HttpClient client, string url, string? key) =>
        client.SendWithKeyAsync(HttpMethod.Get, url, key);

    /// <summary>Reads a problem+json answer and checks its RFC 9457 members.</summary>
    public static async Task<System.Text.Json.Nodes.JsonObject> ReadProblemAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{(int)response.StatusCode} should be problem+json, was '{response.Content.Headers.ContentType}': {text}");
        var problem = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)response.StatusCode, problem["status"]!.GetValue<int>());
        Assert.NotNull(problem["type"]);
        Assert.NotNull(problem["title"]);
        Assert.NotNull(problem["traceId"]);
        return problem;
    }
}
