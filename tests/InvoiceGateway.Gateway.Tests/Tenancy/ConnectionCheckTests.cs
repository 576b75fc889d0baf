using System.Net.Http.Json;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tests.Caching;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// A new connection's check reads its upstream within the definition's <c>Timeout</c>; storing what it read waits for
/// the database like every sync write. A busy database must make the check slower, never a false "did not answer":
/// at 1,000 connections created during a sync, 779 were saved as failed that way (bench/results/scale-1m.md).
/// </summary>
public sealed class ConnectionCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WhenTheStoreWaitsLongerThanTheTimeout_IsActiveNotTimedOut()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox,
            ("Gateway:Sources:goscore-app:Timeout", "00:00:01"),
            SandboxConfig.WithoutSync));
        using var tenant = await TenantSetup.TenantClientAsync(gateway, "busy-store");
        var turns = gateway.Services.GetRequiredService<SqliteWriteTurns>();
        var readsBefore = sandbox.Requests.Count("goscore");

        Task<HttpResponseMessage> creating;
        using (await turns.TakeAsync(Ct))
        {
            // The database is busy: the check's store waits for its turn.
            creating = tenant.PostAsJsonAsync("v1/connections", new { name = "slow-store", source = "goscore-app", options = new { ConsentId = "c21" } }, Ct);
            Assert.True(
                await GatewayCalls.EventuallyAsync(() => Task.FromResult(sandbox.Requests.Count("goscore") > readsBefore), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20)),
                "the check never read its upstream");
            // Held past the 1 s Timeout after the upstream answered.
            await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
            Assert.False(creating.IsCompleted, "the check did not wait for its store");
        }

        using var response = await creating;
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("active", body.Str("state"));
        Assert.Null(body["error"]);
    }
}
