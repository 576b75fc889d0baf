using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// Tenant isolation (OWASP API1), proved over every mapped endpoint rather than a list someone keeps: what
/// belongs to tenant A is, for tenant B, exactly what does not exist. Each endpoint is asked by B (with its own
/// key, and with the app key naming B) while A's objects exist and again after A deleted them: the answers
/// must be the same bytes (trace id aside), and nothing of A's may change in between.
/// </summary>
public sealed class IsolationTests(TenantGatewayFixture fixture) : IClassFixture<TenantGatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryEndpointWithAnId_AnotherTenantsObject_AnswersExactlyAsAMissingOne()
    {
        var gateway = fixture.Gateway;
        using var app = TenantSetup.Client(gateway, TenantSetup.AppKey);
        using var tenantA = await TenantSetup.TenantClientAsync(gateway, "iso-a");
        using var tenantB = await TenantSetup.TenantClientAsync(gateway, "iso-b");
        using var appAsB = TenantSetup.Client(gateway, TenantSetup.AppKey, "iso-b");
        await TenantSetup.ConnectGoScoreAsync(tenantB, "mine", "c32"); // B has a connection of its own
        var connection = (await TenantSetup.ConnectGoScoreAsync(tenantA, "books", "c31")).Str("id")!;
        var invoice = (await tenantA.GetAllAsync("limit=1")).Invoices[0].Str("id")!;
        using var issued = await app.PostAsJsonAsync("v1/tenants/iso-a/keys", new { name = "second" }, Ct);
        var key = JsonNode.Parse(await issued.Content.ReadAsStringAsync(Ct))!.Str("id")!;
        using var registered = await tenantA.PostAsJsonAsync("v1/webhooks", new { url = "https://93.184.216.34/hooks" }, Ct);
        var webhook = JsonNode.Parse(await registered.Content.ReadAsStringAsync(Ct))!.Str("id")!;
        using var pinged = await tenantA.PostAsync($"v1/webhooks/{webhook}/test", null, Ct);
        var delivery = JsonNode.Parse(await pinged.Content.ReadAsStringAsync(Ct))!.Str("id")!;

        var endpoints = Targets(gateway, connection, invoice, key, webhook, delivery);
        Assert.Contains(endpoints, e => e.Route == "/v1/connections/{id}" && e.Method == "DELETE");
        Assert.Contains(endpoints, e => e.Route == "/v1/invoices/{id}");
        Assert.Contains(endpoints, e => e.Route == "/v1/sources/{name}/raw/{**path}");
        Assert.Contains(endpoints, e => e.Route == "/v1/tenants/{tenant}/keys/{id}");
        Assert.Contains(endpoints, e => e.Route == "/v1/webhooks/{id}/deliveries/{deliveryId}/retry");
        Assert.Contains(endpoints, e => e.Route == "/v1/webhooks/{id}" && e.Method == "PATCH");

        var callers = new (string Name, HttpClient Client)[] { ("B's key", tenantB), ("app key as B", appAsB) };
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, client) in callers)
        {
            foreach (var endpoint in endpoints)
            {
                before[$"{name} {endpoint.Method} {endpoint.Path}"] = await AskAsync(client, endpoint);
            }
        }

        // Nothing B asked touched A's connection, invoices or keys.
        Assert.Equal(HttpStatusCode.OK, (await tenantA.GetAsync($"v1/connections/{connection}", Ct)).StatusCode);
        Assert.Equal("books", (await tenantA.GetObjectAsync($"v1/connections/{connection}")).Str("name"));
        Assert.Equal(HttpStatusCode.OK, (await tenantA.GetAsync($"v1/invoices/{invoice}", Ct)).StatusCode);
        Assert.Contains(key, await app.GetStringAsync("v1/tenants/iso-a/keys", Ct), StringComparison.Ordinal);
        Assert.Contains(delivery, await tenantA.GetStringAsync($"v1/webhooks/{webhook}/deliveries", Ct), StringComparison.Ordinal);
        Assert.Equal("https://93.184.216.34/hooks", (await tenantA.GetObjectAsync($"v1/webhooks/{webhook}")).Str("url"));

        Assert.Equal(HttpStatusCode.NoContent, (await tenantA.DeleteAsync($"v1/connections/{connection}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenantA.DeleteAsync($"v1/webhooks/{webhook}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync($"v1/tenants/iso-a/keys/{key}", Ct)).StatusCode);

        var differences = new List<string>();
        foreach (var (name, client) in callers)
        {
            foreach (var endpoint in endpoints)
            {
                var label = $"{name} {endpoint.Method} {endpoint.Path}";
                var after = await AskAsync(client, endpoint);
                if (after != before[label])
                {
                    differences.Add($"{label}:\n  while A's existed: {before[label]}\n  once missing:      {after}");
                }

                if (name == "app key as B" && !after.StartsWith("404 ", StringComparison.Ordinal))
                {
                    differences.Add($"{label} answered {after} (a 404 was expected)");
                }
            }
        }

        Assert.Empty(differences);
    }

    [Fact]
    public async Task ATenantKey_CannotActForAnotherTenant_NorReadTheDefaultTenantsSources()
    {
        using var tenantA = await TenantSetup.TenantClientAsync(fixture.Gateway, "iso-c");
        tenantA.DefaultRequestHeaders.Add("X-Tenant-Id", "iso-d");
        using var refused = await tenantA.GetAsync("v1/invoices", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var own = await TenantSetup.TenantClientAsync(fixture.Gateway, "iso-c");
        var sources = JsonNode.Parse(await own.GetStringAsync("v1/sources", Ct))!.AsArray();
        Assert.Empty(sources); // the default tenant's configured goscore is not the tenant's
        using var configured = await own.GetAsync("v1/invoices?source=goscore", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, configured.StatusCode);
        using var detail = await own.GetAsync("v1/invoices/goscore:8599002184", Ct);
        Assert.Equal(HttpStatusCode.NotFound, detail.StatusCode);

        using var reader = TenantSetup.Client(fixture.Gateway, TenantSetup.ReaderKey, "iso-c");
        using var notApp = await reader.GetAsync("v1/invoices", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, notApp.StatusCode);
    }

    [Fact]
    public async Task SharedSources_AreReadByEveryTenant_WhenConfigurationSaysSo()
    {
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(fixture.Sandbox, ("Gateway:Tenants:SharedSources:0", "goscore")));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "shared-a");

        var sources = JsonNode.Parse(await tenant.GetStringAsync("v1/sources", Ct))!.AsArray();

        Assert.Equal(["goscore"], sources.Select(s => s.Str("name")));
    }

    [Fact]
    public async Task RevokingATenantKey_RefusesItAtOnce()
    {
        using var app = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey);
        using var issued = await app.PostAsJsonAsync("v1/tenants/iso-r/keys", new { name = "temp" }, Ct);
        var body = JsonNode.Parse(await issued.Content.ReadAsStringAsync(Ct))!;
        using var tenant = TenantSetup.Client(fixture.Gateway, body.Str("key")!);
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync("v1/invoices", Ct)).StatusCode);

        var listed = await app.GetStringAsync("v1/tenants/iso-r/keys", Ct);
        Assert.Contains(body.Str("id")!, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(body.Str("key")!, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync($"v1/tenants/iso-r/keys/{body.Str("id")}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync("v1/invoices", Ct)).StatusCode);
    }

    /// <summary>Every endpoint whose route names an object, with A's ids filled in (tenant-level routes name B).</summary>
    private static List<MappedEndpoint> Targets(GatewayServer gateway, string connection, string invoice, string key, string webhook, string delivery)
    {
        MappedEndpoint[] With(string id) => EndpointInventory.Enumerate(gateway.Services, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["deliveryId"] = delivery,
            ["name"] = "books",
            ["path"] = "invoices/c31",
            ["tenant"] = "iso-b",
        }).ToArray();

        var all = With(connection).Where(e => e.Route.StartsWith("/v1/connections/", StringComparison.Ordinal))
            .Concat(With(key).Where(e => e.Route.StartsWith("/v1/tenants/", StringComparison.Ordinal)))
            .Concat(With(webhook).Where(e => e.Route.StartsWith("/v1/webhooks/", StringComparison.Ordinal)))
            .Concat(With(invoice).Where(e => !e.Route.StartsWith("/v1/connections/", StringComparison.Ordinal) && !e.Route.StartsWith("/v1/tenants/", StringComparison.Ordinal)
                                             && !e.Route.StartsWith("/v1/webhooks/", StringComparison.Ordinal)));

        // Object-level routes only: a route whose only parameter is the tenant (B itself) lists or creates B's own.
        return all.Where(e => !e.AllowsAnonymous && e.Route.Contains('{', StringComparison.Ordinal)
                              && e.Route != "/v1/tenants/{tenant}/keys")
            .DistinctBy(e => e.Method + " " + e.Path)
            .ToList();
    }

    private static async Task<string> AskAsync(HttpClient client, MappedEndpoint endpoint)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path.TrimStart('/'));
        if (endpoint.Method is "POST" or "PATCH" or "PUT")
        {
            request.Content = new StringContent("""{"name":"stolen","options":{"ConsentId":"c33"}}""", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);
        return $"{(int)response.StatusCode} {TenantSetup.WithoutTrace(await response.Content.ReadAsStringAsync(Ct))}";
    }
}
