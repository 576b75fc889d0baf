using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>Concurrent misses of one key in one replica cause one upstream request.</summary>
public sealed class SingleFlightTests
{
    private const int Concurrent = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_When100RequestsArriveAtOnceOnAColdKey_ReachesTheUpstreamOnce()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. GatewayCalls.GenerousTimeouts("sendcloud"), SandboxConfig.WithoutSync]));

        var answers = await FireAsync(sandbox, gateway, "v1/invoices?source=sendcloud");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.True(sandbox.Requests.Count("sendcloud") == 1, $"{sandbox.Requests.Count("sendcloud")} upstream requests. {gateway.Retries()}");
        var pages = answers.Select(a => JsonNode.Parse(a.Body)!.AsObject()).ToArray();
        Assert.All(pages, p => Assert.Equal("ok", p.SourceState("sendcloud").Str("state")));
        Assert.Single(pages.Select(p => p["data"]!.ToJsonString()).Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_When100RequestsArriveAtOnceOnAColdKey_ReachesTheUpstreamOnce()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. GatewayCalls.GenerousTimeouts("sendcloud"), SandboxConfig.WithoutSync]));

        var answers = await FireAsync(sandbox, gateway, "v1/invoices/sendcloud:1");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.True(sandbox.Requests.Count("sendcloud") == 1, $"{sandbox.Requests.Count("sendcloud")} upstream requests. {gateway.Retries()}");
        Assert.Single(answers.Select(a => a.Body).Distinct(StringComparer.Ordinal));

        // Several requests were answered by the one fetch itself (a miss), not by the memory copy it left:
        // they really overlapped.
        Assert.True(answers.Count(a => a.XCache == "miss") > 1, "the requests did not overlap");
    }

    private static async Task<Answer[]> FireAsync(SandboxHost sandbox, GatewayServer gateway, string url)
    {
        // A slow upstream keeps the one fetch under way while the others arrive.
        sandbox.Faults.Set("sendcloud", new SandboxFault { LatencyMs = 700 });
        return await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async _ =>
        {
            using var response = await gateway.Client.RequestAsync(url);
            return new Answer(
                response.StatusCode,
                response.Headers.TryGetValues("X-Cache", out var cache) ? cache.Single() : null,
                await response.Content.ReadAsStringAsync(Ct));
        }));
    }

    private sealed record Answer(HttpStatusCode Status, string? XCache, string Body);
}
