using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tests.Caching;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Tenancy;
using InvoiceGateway.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Storage;

/// <summary>
/// Every SQLite write of the gateway takes the process's write turn (<see cref="SqliteWriteTurns"/>), the API's as
/// well as the sync's: while the sync holds it (storing a large read), a connection, key or webhook being created waits
/// for it instead of colliding on the database lock, where Microsoft.Data.Sqlite gives up after 30 s (5 of 1,000
/// creations answered 503 during the 1M sync, bench/results/scale-1m.md), and every one succeeds once it is passed on.
/// A write made without the turn is refused, so a path that forgets it fails every test that takes it.
/// </summary>
public sealed class WriteTurnTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiWrites_WhileTheWriteTurnIsHeld_WaitForIt_AndEveryCreationSucceeds()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox, SandboxConfig.WithoutSync, ("Gateway:Webhooks:AllowInsecure", "true")));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "queued");
        using var app = TenantSetup.Client(gateway, TenantSetup.AppKey);
        var turns = gateway.Services.GetRequiredService<SqliteWriteTurns>();
        var readsBefore = sandbox.Requests.Count("goscore");
        const int Connections = 8;

        Task<HttpResponseMessage>[] writes;
        using (await turns.TakeAsync(Ct))
        {
            // The sync is storing: every write waits for its turn.
            writes =
            [
                app.PostAsJsonAsync("v1/tenants/queued/keys", new { name = "second" }, Ct),
                tenant.PostAsJsonAsync("v1/webhooks", new { url = "http://127.0.0.1:9/hook" }, Ct),
                .. Enumerable.Range(1, Connections).Select(i => tenant.PostAsJsonAsync("v1/connections",
                    new { name = $"gs{i}", source = "goscore-app", options = new { ConsentId = $"c{i}" } }, Ct)),
            ];

            // Each connection's check reads its upstream (a read, not a write): the requests are being handled.
            Assert.True(
                await GatewayCalls.EventuallyAsync(() => Task.FromResult(sandbox.Requests.Count("goscore") >= readsBefore + Connections), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)),
                "the connections' checks never read their upstream");
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.DoesNotContain(writes, w => w.IsCompleted);
        }

        foreach (var write in writes)
        {
            using var response = await write;
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        }

        var keys = JsonNode.Parse(await app.GetStringAsync("v1/tenants/queued/keys", Ct))!.AsArray();
        var webhooks = JsonNode.Parse(await tenant.GetStringAsync("v1/webhooks", Ct))!.AsArray();
        var connections = JsonNode.Parse(await tenant.GetStringAsync("v1/connections", Ct))!.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.Single(webhooks);
        Assert.Equal(Connections, connections.Count);
        Assert.All(connections, c => Assert.Equal("active", c.Str("state")));
    }

    [Fact]
    public async Task Write_WithoutTheTurn_IsRefused_AndWithItIsMade()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox, SandboxConfig.WithoutSync));
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();

        var statement = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Events.IgnoreQueryFilters().Where(e => e.Sequence < 0).ExecuteDeleteAsync(Ct));
        var transaction = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Database.BeginTransactionAsync(Ct));
        Assert.Contains("write turn", statement.Message, StringComparison.Ordinal);
        Assert.Contains("write turn", transaction.Message, StringComparison.Ordinal);

        using (await db.TakeWriteTurnAsync(Ct))
        {
            Assert.Equal(0, await db.Events.IgnoreQueryFilters().Where(e => e.Sequence < 0).ExecuteDeleteAsync(Ct));
            await using var held = await db.Database.BeginTransactionAsync(Ct);
            await held.RollbackAsync(Ct);
        }

        // Reads never need it.
        Assert.Equal(0, await db.Events.IgnoreQueryFilters().CountAsync(e => e.Sequence < 0, Ct));
    }
}
