using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>Connections through HTTP: created, read, served as sources, changed and deleted, for one tenant at a time.</summary>
public sealed class ConnectionsTests(TenantGatewayFixture fixture) : IClassFixture<TenantGatewayFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Definitions_NameTheFieldsEachConnectionMustGive()
    {
        using var app = TenantSetup.Client(fixture.Gateway, TenantSetup.AppKey);
        var definitions = JsonNode.Parse(await app.GetStringAsync("v1/sources/definitions", Ct))!.AsArray();

        var goscore = definitions.Single(d => d.Str("name") == "goscore-app")!;
        Assert.Equal("goscore", goscore.Str("authType"));
        Assert.Empty(goscore["credentials"]!.AsArray());
        Assert.Equal(["ConsentId"], goscore["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        var ibana = definitions.Single(d => d.Str("name") == "ibana-app")!;
        Assert.Equal(["Token"], ibana["credentials"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.DoesNotContain(definitions, d => d.Str("name") == "goscore"); // a configured source is not connectable
    }

    [Fact]
    public async Task Create_ReadsTheConnectionAndItsInvoicesCarryItsName()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "create-acme");
        var created = await TenantSetup.ConnectGoScoreAsync(tenant, "my-goscore", "c11");

        Assert.Equal("active", created.Str("state"));
        Assert.StartsWith("con_", created.Str("id"), StringComparison.Ordinal);
        Assert.Null(created["error"]);
        var (invoices, _) = await tenant.GetAllAsync("limit=500");
        Assert.Equal(5, invoices.Count);
        Assert.All(invoices, i => Assert.Equal("my-goscore", i.Str("source")));
        Assert.All(invoices, i => Assert.StartsWith("my-goscore:1000000011", i.Str("id"), StringComparison.Ordinal));

        var sources = JsonNode.Parse(await tenant.GetStringAsync("v1/sources", Ct))!.AsArray();
        Assert.Equal(["my-goscore"], sources.Select(s => s.Str("name")));
        var one = await tenant.GetObjectAsync("v1/invoices/" + invoices[0].Str("id"));
        Assert.Equal(invoices[0].Str("id"), one.Str("id"));
        var filtered = await tenant.GetObjectAsync("v1/invoices?source=my-goscore");
        Assert.Equal(5, filtered["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Credentials_AreWriteOnly_AndRefusedOnesAreReported()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "creds-acme");
        const string wrongToken = "not-the-ibana-token-but-secret";
        using var refused = await tenant.PostAsJsonAsync("v1/connections",
            new { name = "books", source = "ibana-app", credentials = new { Token = wrongToken } }, Ct);
        var body = await refused.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Created, refused.StatusCode);
        var created = JsonNode.Parse(body)!;
        Assert.Equal("failed", created.Str("state"));
        Assert.Contains("401", created.Str("error"), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongToken, body, StringComparison.Ordinal);

        using var strict = await tenant.PostAsJsonAsync("v1/connections?verify=strict",
            new { name = "books-strict", source = "ibana-app", credentials = new { Token = wrongToken } }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, strict.StatusCode);
        Assert.DoesNotContain(wrongToken, await strict.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var good = await tenant.PostAsJsonAsync("v1/connections?verify=strict",
            new { name = "books-good", source = "ibana-app", credentials = new { Token = SandboxCredentials.IbanaToken } }, Ct);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);

        var list = await tenant.GetStringAsync("v1/connections", Ct);
        Assert.Equal(["books", "books-good"], JsonNode.Parse(list)!.AsArray().Select(c => c.Str("name")));
        Assert.DoesNotContain(wrongToken, list, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxCredentials.IbanaToken, list, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Gateway.Logs.Lines, l => l.Contains(wrongToken, StringComparison.Ordinal) || l.Contains(SandboxCredentials.IbanaToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_WithBadInput_Is400NamingEachFieldAndStoresNothing()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "bad-acme");
        await TenantSetup.ConnectGoScoreAsync(tenant, "taken", "c12");

        var cases = new (object Body, string[] Fields)[]
        {
            (new { name = "x1", source = "nosuch" }, ["source"]),
            (new { name = "x2", source = "goscore" }, ["source"]), // configured, not connectable
            (new { name = "x3", source = "goscore-app" }, ["options.ConsentId"]),
            (new { name = "x4", source = "ibana-app" }, ["credentials.Token"]),
            (new { name = "x5", source = "ibana-app", credentials = new { Token = "t", Password = "p" } }, ["credentials.password"]),
            (new { name = "Not_Valid", source = "goscore-app", options = new { ConsentId = "c1" } }, ["name"]),
            (new { name = "taken", source = "goscore-app", options = new { ConsentId = "c1" } }, ["name"]),
            (new { source = "goscore-app", options = new { ConsentId = "c1", Mapping = "/etc/passwd" }, cache = new { ttl = "forever" }, extra = 1 },
                ["name", "options.mapping", "cache.ttl", "extra"]),
            (new { name = "x6", source = "goscore-app", options = new { ConsentId = "c1", PageSize = "0" } }, ["options.pageSize"]),
        };

        foreach (var (body, fields) in cases)
        {
            using var response = await tenant.PostAsJsonAsync("v1/connections", body, Ct);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.ToJsonString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(fields.Order(StringComparer.Ordinal), problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        }

        using var notJson = await tenant.PostAsync("v1/connections", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(["taken"], JsonNode.Parse(await tenant.GetStringAsync("v1/connections", Ct))!.AsArray().Select(c => c.Str("name")));
    }

    [Fact]
    public async Task Patch_And_Delete_TakeEffectAtOnce()
    {
        using var tenant = await TenantSetup.TenantClientAsync(fixture.Gateway, "patch-acme");
        var created = await TenantSetup.ConnectGoScoreAsync(tenant, "bills", "c13");
        var id = created.Str("id");

        using var renamed = await tenant.PatchAsJsonAsync($"v1/connections/{id}", new { name = "bills-2", options = new { ConsentId = "c14" } }, Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var (invoices, _) = await tenant.GetAllAsync("limit=500");
        Assert.All(invoices, i => Assert.StartsWith("bills-2:1000000014", i.Str("id"), StringComparison.Ordinal));
        Assert.Equal(5, invoices.Count);

        using var deleted = await tenant.DeleteAsync($"v1/connections/{id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var after = await tenant.GetObjectAsync("v1/invoices");
        Assert.Empty(after["data"]!.AsArray());
        using var gone = await tenant.GetAsync("v1/invoices/" + invoices[0].Str("id"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var getGone = await tenant.GetAsync($"v1/connections/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, getGone.StatusCode);
    }

    [Fact]
    public async Task MaxConnections_IsEnforcedPerTenant()
    {
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(fixture.Sandbox, ("Gateway:Tenants:MaxConnections", "2")));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "max-acme");
        await TenantSetup.ConnectGoScoreAsync(tenant, "one", "c15");
        await TenantSetup.ConnectGoScoreAsync(tenant, "two", "c16");

        using var third = await tenant.PostAsJsonAsync("v1/connections", new { name = "three", source = "goscore-app", options = new { ConsentId = "c17" } }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        using var other = await TenantSetup.TenantClientAsync(gateway, "max-other");
        await TenantSetup.ConnectGoScoreAsync(other, "one", "c18");
    }
}
