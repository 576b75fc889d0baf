using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>Hit, miss, stale, 304 and no-cache through HTTP, counted at the upstream (one replica, memory cache).</summary>
public sealed class CacheStatesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_MissThenHitThen304_ReachesTheUpstreamOnlyForTheMissAndForNoCache()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(
            SandboxConfig.ForAdmin(sandbox, [.. GatewayCalls.GenerousTimeouts("sendcloud"), SandboxConfig.WithoutSync]), clientKey: SandboxConfig.AdminKey);

        using var miss = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");
        Assert.Equal(1, sandbox.Requests.Count("sendcloud"));
        using var hit = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");
        using var notModified = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1", ifNoneMatch: miss.Headers.ETag);
        Assert.Equal(1, sandbox.Requests.Count("sendcloud"));
        using var bypassed = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1", noCache: true);

        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Equal("miss", miss.XCache());
        Assert.NotNull(miss.Headers.ETag);
        Assert.Equal("hit", hit.XCache());
        Assert.Equal(miss.Headers.ETag, hit.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("hit", notModified.XCache());
        Assert.Equal(miss.Headers.ETag, notModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, bypassed.StatusCode);
        Assert.Equal("miss", bypassed.XCache());
        Assert.Equal(miss.Headers.ETag, bypassed.Headers.ETag);
        Assert.Equal(2, sandbox.Requests.Count("sendcloud"));
    }

    [Fact]
    public async Task Get_WhenServedStale_KeepsTheETagAndAnswers304ToIfNoneMatch()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:Sources:sendcloud:Cache:Ttl", "00:00:00.200")));
        using var fresh = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");
        var body = await fresh.Content.ReadAsStringAsync(Ct);
        var etag = fresh.Headers.ETag!;
        sandbox.Faults.Set("sendcloud", new SandboxFault { Status = 500 });

        // Fresh for 200 ms; after that the failing upstream makes every answer stale.
        HttpResponseMessage? conditional = null;
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                conditional?.Dispose();
                conditional = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1", ifNoneMatch: etag);
                return conditional.XCache() == "stale";
            },
            TimeSpan.FromSeconds(10)), "the copy never turned stale");
        using var staleNotModified = conditional!;
        using var stale = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");

        Assert.Equal(HttpStatusCode.NotModified, staleNotModified.StatusCode);
        Assert.Equal(etag, staleNotModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("stale", stale.XCache());
        Assert.Equal(etag, stale.Headers.ETag);
        Assert.Equal(body, await stale.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task List_WhenUpstreamFailsAfterTtl_ListsTheSourceAsStaleWithItsErrorAndServesTheLastGoodCopy()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:Sources:sendcloud:Cache:Ttl", "00:00:00.200")));
        const string url = "v1/invoices?source=sendcloud,sendregning&limit=500";
        var good = await gateway.Client.GetPageAsync(url);
        Assert.Equal("ok", good.SourceState("sendcloud").Str("state"));
        var goodCount = good.SourceState("sendcloud")["count"]!.GetValue<int>();
        sandbox.Faults.Set("sendcloud", new SandboxFault { Status = 500 });

        var page = good;
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                page = await gateway.Client.GetPageAsync(url);
                return page.SourceState("sendcloud").Str("state") == "stale";
            },
            TimeSpan.FromSeconds(10)), "sendcloud never turned stale");

        var state = page.SourceState("sendcloud");
        Assert.Equal("upstream_status", state["error"].Str("code"));
        Assert.Contains("sendcloud", state["error"].Str("message"), StringComparison.Ordinal);
        Assert.Equal(goodCount, state["count"]!.GetValue<int>());
        Assert.Equal(goodCount, page["data"]!.AsArray().Count(i => i.Str("source") == "sendcloud"));
        Assert.Equal("ok", page.SourceState("sendregning").Str("state"));

        // The README: a stale source still counts as complete, its data is there.
        Assert.True(page["complete"]!.GetValue<bool>());
    }

    [Fact]
    public async Task List_WithCacheControlNoCache_ReadsTheUpstreamAgainWhileAPlainRequestIsServedFromCache()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.ForAdmin(sandbox, [.. GatewayCalls.GenerousTimeouts("sendcloud"), SandboxConfig.WithoutSync]), clientKey: SandboxConfig.AdminKey);
        const string url = "v1/invoices?source=sendcloud";

        var first = await gateway.Client.GetPageAsync(url);
        var cached = await gateway.Client.GetPageAsync(url);
        Assert.Equal(1, sandbox.Requests.Count("sendcloud"));
        var bypassed = await gateway.Client.GetPageAsync(url, noCache: true);
        Assert.Equal(2, sandbox.Requests.Count("sendcloud"));
        var afterwards = await gateway.Client.GetPageAsync(url);

        Assert.Equal(2, sandbox.Requests.Count("sendcloud"));
        Assert.All(new[] { first, cached, bypassed, afterwards }, page => Assert.Equal("ok", page.SourceState("sendcloud").Str("state")));
        Assert.Equal(first["data"]!.ToJsonString(), bypassed["data"]!.ToJsonString());
    }
}
