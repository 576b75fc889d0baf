using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using StackExchange.Redis;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>
/// The cache items of issue 9: no-cache joins a read under way, unknown ids of a list-only source cost nothing,
/// implausible Redis values are misses, "not found" stays out of Redis, and a refresh says how far it reached.
/// </summary>
public sealed class CacheHardeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoCacheRequests_WhileAReadIsUnderWay_JoinItInsteadOfStartingMore()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. GatewayCalls.GenerousTimeouts("sendcloud"), SandboxConfig.WithoutSync]));
        sandbox.Faults.Set("sendcloud", new SandboxFault { LatencyMs = 700 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1", noCache: i % 2 == 0);
            return (response.StatusCode, Cache: response.XCache());
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.True(sandbox.Requests.Count("sendcloud") == 1, $"{sandbox.Requests.Count("sendcloud")} upstream requests. {gateway.Retries()}");
        // Several answers came from that one read itself (a miss), not from the copy it left: they overlapped it.
        Assert.True(answers.Count(a => a.Cache == "miss") > 1, "the requests did not overlap");
    }

    [Fact]
    public async Task UnknownIds_OfASourceWithoutADetailEndpoint_AreAnsweredFromItsCachedList()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. GatewayCalls.GenerousTimeouts("goscore"), SandboxConfig.WithoutSync]));
        var listed = await gateway.Client.GetPageAsync("v1/invoices?source=goscore&limit=1");
        var knownId = listed["data"]!.AsArray()[0].Str("id")!;
        var afterList = sandbox.Requests.Count("goscore");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await gateway.Client.RequestAsync($"v1/invoices/goscore:no-such-{i}");
            statuses.Add(response.StatusCode);
        }

        using var known = await gateway.Client.RequestAsync("v1/invoices/" + Uri.EscapeDataString(knownId));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(knownId, JsonNode.Parse(await known.Content.ReadAsStringAsync(Ct)).Str("id"));
        Assert.Equal(afterList, sandbox.Requests.Count("goscore"));
    }

    [Fact]
    public async Task NotFound_IsNotWrittenToRedis_WhileAFoundInvoiceIs()
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud"));
        var gateway = await setup.StartReplicaAsync();

        using var missing = await gateway.Client.RequestAsync("v1/invoices/sendcloud:999999");
        using var found = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        using var redis = await ConnectionMultiplexer.ConnectAsync(setup.Redis.Configuration);
        Assert.True(await redis.GetDatabase().KeyExistsAsync("ig:src:sendcloud:inv:1"));
        Assert.False(await redis.GetDatabase().KeyExistsAsync("ig:src:sendcloud:inv:999999"));
    }

    public static TheoryData<string> Implausible => new()
    {
        """{"invoices":[],"notices":[null]}""",
        """{"Value":{"storedAt":"9999-12-31T23:59:59.9999999+00:00","invoices":[],"raw":[],"notices":[]},"Timestamp":0,"LogicalExpirationTimestamp":5000000000000000000}""",
        """{"Value":{"storedAt":"2026-01-01T00:00:00+00:00","invoices":[null],"raw":[null],"notices":[]},"Timestamp":0,"LogicalExpirationTimestamp":5000000000000000000}""",
    };

    [Theory]
    [MemberData(nameof(Implausible))]
    public async Task List_WhenRedisHoldsAnImplausibleCopy_ReadsTheUpstreamAndAnswers(string stored)
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud"));
        using (var redis = await ConnectionMultiplexer.ConnectAsync(setup.Redis.Configuration))
        {
            await redis.GetDatabase().HashSetAsync("ig:src:sendcloud:list", [new HashEntry("data", stored), new HashEntry("absexp", -1), new HashEntry("sldexp", -1)]);
        }

        var gateway = await setup.StartReplicaAsync();
        var page = await gateway.Client.GetPageAsync("v1/invoices?source=sendcloud&limit=500");

        Assert.Equal("ok", page.SourceState("sendcloud").Str("state"));
        Assert.True(page.SourceState("sendcloud")["count"]!.GetValue<int>() >= 30);
        Assert.Equal(1, setup.Sandbox.Requests.Count("sendcloud"));
        Assert.Single(gateway.Logs.Lines, l => l.Contains("not usable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_ReportsWhetherEveryReplicaOrOnlyThisOneWasReached()
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud"));
        var admin = await setup.StartReplicaAsync(admin: true);

        using (var reached = await admin.Client.PostAsync("v1/sources/sendcloud/refresh", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, reached.StatusCode);
            Assert.Equal("all", (await reached.Content.ReadFromJsonAsync<JsonObject>(Ct)).Str("invalidated"));
        }

        await setup.Redis.StopAsync();
        using var local = await admin.Client.PostAsync("v1/sources/sendcloud/refresh", null, Ct);

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        var document = await local.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal("local", document.Str("invalidated"));
        Assert.Equal("ok", document.Str("state"));
    }
}
