using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Testing;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// Two gateway replicas sharing PostgreSQL and Redis, as a deployment runs them: a connection or key made in
/// one is served by the other without a restart, and deleting it stops both.
/// </summary>
public sealed class ReplicaTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionCreatedOnOneReplica_IsServedByTheOther_AndDeletingItStopsBoth()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 }, cancellationToken: Ct);
        var database = await postgres.CreateDatabaseAsync();
        var settings = TenantSetup.For(sandbox, ("Gateway:Database", database), ("Gateway:Redis", redis.Configuration));
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);

        // A key issued on one replica works on the other; so does a connection.
        using var tenantOnOne = await TenantSetup.TenantClientAsync(one, "replica-a");
        using var tenantOnOther = TenantSetup.Client(other, (string)tenantOnOne.DefaultRequestHeaders.GetValues("X-Api-Key").Single());
        var created = await TenantSetup.ConnectGoScoreAsync(tenantOnOne, "books", "c41");

        var (invoices, _) = await tenantOnOther.GetAllAsync("limit=500");
        Assert.Equal(5, invoices.Count);
        Assert.All(invoices, i => Assert.StartsWith("books:1000000041", i.Str("id"), StringComparison.Ordinal));
        var detail = await tenantOnOther.GetObjectAsync("v1/invoices/" + invoices[0].Str("id"));
        Assert.Equal(invoices[0].Str("id"), detail.Str("id"));
        using var appOnOther = TenantSetup.Client(other, TenantSetup.AppKey, "replica-a");
        using var raw = await appOnOther.GetAsync("v1/sources/books/raw/invoices/c41?page=1&per_page=2", Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);

        using var deleted = await tenantOnOther.DeleteAsync($"v1/connections/{created.Str("id")}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // The other replica hears of it through PostgreSQL; give the notification generous time to arrive.
        await Eventually(async () => (await tenantOnOne.GetObjectAsync("v1/invoices"))["data"]!.AsArray().Count == 0);
        using var gone = await tenantOnOne.GetAsync("v1/invoices/" + invoices[0].Str("id"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var appOnOne = TenantSetup.Client(one, TenantSetup.AppKey, "replica-a");
        using var rawGone = await appOnOne.GetAsync("v1/sources/books/raw/invoices/c41", Ct);
        Assert.Equal(HttpStatusCode.NotFound, rawGone.StatusCode);
    }

    [Fact]
    public async Task KeyRevokedOnOneReplica_IsRefusedByTheOther()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 }, cancellationToken: Ct);
        var database = await postgres.CreateDatabaseAsync();
        var settings = TenantSetup.For(sandbox, ("Gateway:Database", database));
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        using var app = TenantSetup.Client(one, TenantSetup.AppKey);
        using var issued = await app.PostAsJsonAsync("v1/tenants/replica-k/keys", new { name = "k" }, Ct);
        var body = JsonNode.Parse(await issued.Content.ReadAsStringAsync(Ct))!;
        using var onOther = TenantSetup.Client(other, body.Str("key")!);
        Assert.Equal(HttpStatusCode.OK, (await onOther.GetAsync("v1/sources", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync($"v1/tenants/replica-k/keys/{body.Str("id")}", Ct)).StatusCode);

        await Eventually(async () => (await onOther.GetAsync("v1/sources", Ct)).StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task DatabaseGoneWhileRunning_KnownConnectionsAreStillServed_AndWritesAnswer503()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 }, cancellationToken: Ct);
        var server = await PostgresServer.StartAsync(Ct); // a cluster of this test's own: it is stopped below
        try
        {
            await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox, ("Gateway:Database", await server.CreateDatabaseAsync(Ct))));
            using var app = TenantSetup.Client(gateway, TenantSetup.AppKey, "outage-a");
            await TenantSetup.ConnectGoScoreAsync(app, "books", "c51");
            Assert.Equal(5, (await app.GetAllAsync("limit=500")).Invoices.Count);

            await server.DisposeAsync();

            Assert.Equal(5, (await app.GetAllAsync("limit=500")).Invoices.Count);
            using var write = await app.PostAsJsonAsync("v1/connections", new { name = "more", source = "goscore-app", options = new { ConsentId = "c52" } }, Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
            using var unknownTenant = TenantSetup.Client(gateway, TenantSetup.AppKey, "outage-never-read");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await unknownTenant.GetAsync("v1/invoices", Ct)).StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Polls with a generous bound: cross-replica notifications take milliseconds, never a fixed time.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("The other replica did not see the change within 30 s.");
    }
}
