using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Caching;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Resilience;

/// <summary>A source answering 500s opens its circuit: the upstream is left alone, the gateway keeps answering; recovery closes it.</summary>
public sealed class CircuitBreakerTests
{
    private const string Url = "v1/invoices?source=sendcloud,sendregning&limit=500";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Source_WhenUpstreamKeepsAnswering500_OpensItsCircuitAndStopsCallingIt_AndClosesAfterRecovery()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(
            SandboxConfig.ForAdmin(
                sandbox,
                ("Gateway:Sources:sendcloud:Resilience:CircuitMinimumThroughput", "4"),
                ("Gateway:Sources:sendcloud:Resilience:CircuitSamplingDuration", "00:00:10"),
                ("Gateway:Sources:sendcloud:Resilience:CircuitBreakDuration", "00:00:03")),
            clientKey: SandboxConfig.AdminKey);
        var good = await gateway.Client.GetPageAsync(Url);
        var goodCount = good.SourceState("sendcloud")["count"]!.GetValue<int>();
        Assert.Equal("closed", await gateway.Client.CircuitOfAsync("sendcloud"));
        sandbox.Faults.Set("sendcloud", new SandboxFault { Status = 500 });

        // no-cache: each request asks the upstream (its failure is answered with the last good copy).
        var failing = 0;
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                var page = await gateway.Client.GetPageAsync(Url, noCache: true);
                Assert.Equal("stale", page.SourceState("sendcloud").Str("state"));
                failing++;
                return await gateway.Client.CircuitOfAsync("sendcloud") == "open";
            },
            TimeSpan.FromSeconds(10),
            TimeSpan.Zero), "the circuit never opened");
        Assert.True(failing <= 4, $"the circuit opened only after {failing} failing list requests");

        var reached = sandbox.Requests.Count("sendcloud");
        var whileOpen = new List<JsonObject>();
        for (var i = 0; i < 5; i++)
        {
            whileOpen.Add(await gateway.Client.GetPageAsync(Url, noCache: true));
        }

        using var uncached = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");
        using var described = await gateway.Client.GetAsync("v1/sources", Ct);
        var sendcloud = JsonNode.Parse(await described.Content.ReadAsStringAsync(Ct))!.AsArray().Single(s => s.Str("name") == "sendcloud");

        Assert.Equal(reached, sandbox.Requests.Count("sendcloud"));
        Assert.All(whileOpen, page =>
        {
            var state = page.SourceState("sendcloud");
            Assert.Equal("stale", state.Str("state"));
            Assert.Equal("circuit_open", state["error"].Str("code"));
            Assert.Equal(goodCount, state["count"]!.GetValue<int>());
            Assert.Equal("ok", page.SourceState("sendregning").Str("state"));
        });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        Assert.Equal("circuit_open", JsonNode.Parse(await uncached.Content.ReadAsStringAsync(Ct)).Str("code"));
        Assert.Equal("open", sendcloud.Str("circuit"));
        Assert.Equal("unhealthy", sendcloud.Str("health"));

        // Recovery: after the break one trial call reaches the upstream, succeeds and closes the circuit.
        sandbox.Faults.Clear("sendcloud");
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                await gateway.Client.GetPageAsync(Url, noCache: true);
                return await gateway.Client.CircuitOfAsync("sendcloud") == "closed";
            },
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(200)), "the circuit never closed after recovery");

        var recovered = await gateway.Client.GetPageAsync(Url, noCache: true);
        Assert.Equal("ok", recovered.SourceState("sendcloud").Str("state"));
        Assert.Equal(goodCount, recovered.SourceState("sendcloud")["count"]!.GetValue<int>());
        Assert.True(sandbox.Requests.Count("sendcloud") > reached);
        using var detail = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
    }
}
