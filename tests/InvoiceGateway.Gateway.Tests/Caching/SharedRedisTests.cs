using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>Two gateway replicas on one Redis: one upstream fetch serves both, and a refresh reaches both.</summary>
public sealed class SharedRedisTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_WhenAnotherReplicaFetchedIt_IsAHitFromRedisWithoutReachingTheUpstream()
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud"));
        var first = await setup.StartReplicaAsync();
        var second = await setup.StartReplicaAsync();

        using var miss = await first.Client.RequestAsync("v1/invoices/sendcloud:1");
        var listed = await first.Client.GetPageAsync("v1/invoices?source=sendcloud&limit=500");
        Assert.Equal(2, setup.Sandbox.Requests.Count("sendcloud"));
        using var hit = await second.Client.RequestAsync("v1/invoices/sendcloud:1");
        var listedAgain = await second.Client.GetPageAsync("v1/invoices?source=sendcloud&limit=500");

        Assert.Equal(2, setup.Sandbox.Requests.Count("sendcloud"));
        Assert.Equal("miss", miss.XCache());
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("hit", hit.XCache());
        Assert.Equal(miss.Headers.ETag, hit.Headers.ETag);
        Assert.Equal(await miss.Content.ReadAsStringAsync(Ct), await hit.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ok", listedAgain.SourceState("sendcloud").Str("state"));
        Assert.Equal(listed["data"]!.ToJsonString(), listedAgain["data"]!.ToJsonString());
    }

    [Fact]
    public async Task ColdKey_WhenBothReplicasAreAskedAtOnce_ReachesTheUpstreamOnceInTotal()
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud"));
        var first = await setup.StartReplicaAsync();
        var second = await setup.StartReplicaAsync();
        // A slow upstream keeps the one fetch under way while both replicas are asked.
        setup.Sandbox.Faults.Set("sendcloud", new SandboxFault { LatencyMs = 700 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? first : second).Client.RequestAsync("v1/invoices/sendcloud:1");
            return (response.StatusCode, Cache: response.XCache(), Body: await response.Content.ReadAsStringAsync(Ct));
        }));

        Assert.True(setup.Sandbox.Requests.Count("sendcloud") == 1,
            $"{setup.Sandbox.Requests.Count("sendcloud")} upstream requests. {first.Retries()} {second.Retries()}");
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(answers.Select(a => a.Body).Distinct(StringComparer.Ordinal));
        // One replica fetched (its requests are misses); the other waited for that fetch and read it from Redis.
        Assert.Contains(answers, a => a.Cache == "miss");
        Assert.Contains(answers, a => a.Cache == "hit");
    }

    [Fact]
    public async Task Refresh_OnOneReplica_DropsTheOtherReplicasCopySoItsNextRequestIsAMiss()
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud"));
        var admin = await setup.StartReplicaAsync(admin: true);
        var other = await setup.StartReplicaAsync(admin: true);
        using (var cold = await other.Client.RequestAsync("v1/invoices/sendcloud:1"))
        {
            Assert.Equal("miss", cold.XCache());
        }

        using (var warm = await other.Client.RequestAsync("v1/invoices/sendcloud:1"))
        {
            Assert.Equal("hit", warm.XCache());
        }

        var before = setup.Sandbox.Requests.Count("sendcloud");

        using var refresh = await admin.Client.PostAsync("v1/sources/sendcloud/refresh", null, Ct);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var afterRefresh = setup.Sandbox.Requests.Count("sendcloud");

        // The invalidation travels by pub/sub: the other replica drops its copy once the message arrives.
        string? state = null;
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                using var response = await other.Client.RequestAsync("v1/invoices/sendcloud:1");
                state = response.XCache();
                return state != "hit";
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(20)), "the other replica kept serving its copy after the refresh");

        Assert.Equal("miss", state);
        Assert.Equal(before + 1, afterRefresh); // the refresh read the list again
        Assert.Equal(afterRefresh + 1, setup.Sandbox.Requests.Count("sendcloud"));
    }
}
