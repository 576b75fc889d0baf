using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>Redis going away never fails a request; when it comes back the gateway uses it again by itself.</summary>
public sealed class RedisOutageTests
{
    private const int Requests = 300;
    private const int KillAfter = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_WhenRedisIsKilledMidway_NeverAnswer5xx_AndAfterARestartTheCacheIsWrittenAgain()
    {
        // Short Ttls, so that lists keep going through Redis (and the upstream) while it dies.
        await using var setup = await SharedRedisSetup.StartAsync(
        [
            ("Gateway:Sources:sendcloud:Cache:Ttl", "00:00:00.100"),
            ("Gateway:Sources:dollr:Cache:Ttl", "00:00:00.100"),
            .. GatewayCalls.GenerousTimeouts("sendcloud", "dollr", "sendregning"),
        ]);
        var gateway = await setup.StartReplicaAsync(admin: true);
        var ids = (await gateway.Client.GetPageAsync("v1/invoices?source=sendcloud,dollr&limit=500"))["data"]!.AsArray()
            .Select(i => i.Str("id")!).ToArray();
        Assert.True(ids.Length > 40, $"only {ids.Length} invoices");

        var failures = new ConcurrentQueue<string>();
        var next = -1;
        Task? killing = null;
        async Task FlowAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < Requests; i = Interlocked.Increment(ref next))
            {
                if (i == KillAfter)
                {
                    killing = setup.Redis.StopAsync();
                }

                var url = (i % 3) switch
                {
                    0 => "v1/invoices?source=sendcloud,dollr&limit=50",
                    _ => "v1/invoices/" + Uri.EscapeDataString(ids[i % ids.Length]),
                };
                using var response = await gateway.Client.RequestAsync(url, noCache: i % 7 == 0);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"#{i} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(FlowAsync, Ct)));
        Assert.NotNull(killing);
        await killing;

        Assert.Empty(failures);
        Assert.False(await setup.Redis.PingAsync(Ct));
        // The outage really hit the flow: the gateway noticed it (and served from memory and the upstream).
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("Redis unavailable", StringComparison.Ordinal));

        // Back on the same port, empty: the gateway (not restarted) writes to it again once its client reconnects.
        await setup.Redis.RestartAsync(Ct);
        const string probe = "sendregning:123"; // default Ttl: still fresh when the next replica asks
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                using var written = await gateway.Client.RequestAsync("v1/invoices/" + Uri.EscapeDataString(probe), noCache: true);
                Assert.Equal(HttpStatusCode.OK, written.StatusCode);
                return await RedisHasAsync(setup, probe);
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(200)), "the gateway never wrote to the restarted Redis");

        // A replica that never saw the invoice gets it from Redis, without the upstream.
        var fresh = await setup.StartReplicaAsync(admin: true);
        var before = setup.Sandbox.Requests.Count("sendregning");
        using var hit = await fresh.Client.RequestAsync("v1/invoices/" + Uri.EscapeDataString(probe));
        Assert.Equal("hit", hit.XCache());
        Assert.Equal(before, setup.Sandbox.Requests.Count("sendregning"));
    }

    [Fact]
    public async Task Ready_WhileTheConfiguredRedisIsDown_Is503_AndAfterARestartIs200()
    {
        await using var setup = await SharedRedisSetup.StartAsync();
        var gateway = await setup.StartReplicaAsync(admin: true);
        using (var up = await gateway.Client.GetAsync("health/ready", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        }

        await setup.Redis.StopAsync();
        JsonObject? down = null;
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                using var response = await gateway.Client.GetAsync("health/ready", Ct);
                down = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
                return response.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            TimeSpan.FromSeconds(10)), "readiness stayed OK with Redis down");
        Assert.Equal("not ready", down!.Str("status"));
        using (var live = await gateway.Client.GetAsync("health/live", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await setup.Redis.RestartAsync(Ct);
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                using var response = await gateway.Client.GetAsync("health/ready", Ct);
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(200)), "readiness did not recover after Redis came back");
    }

    [Fact]
    public async Task Requests_WhileRedisIsFrozen_AreAllAnswered_AndReadinessIs503UntilItResumes()
    {
        await using var setup = await SharedRedisSetup.StartAsync(GatewayCalls.GenerousTimeouts("sendcloud", "dollr"));
        var gateway = await setup.StartReplicaAsync(admin: true);
        var ids = (await gateway.Client.GetPageAsync("v1/invoices?source=sendcloud,dollr&limit=500"))["data"]!.AsArray()
            .Select(i => i.Str("id")!).ToArray();

        await setup.Redis.PauseAsync();
        var statuses = new ConcurrentQueue<string>();
        try
        {
            // Cold invoices and no-cache lists: each goes to Redis (read, lock, write), which keeps the
            // connection open and never answers.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(
                async () =>
                {
                    for (var i = 0; i < 10; i++)
                    {
                        var list = i % 2 == 0;
                        var url = list ? "v1/invoices?source=sendcloud,dollr" : "v1/invoices/" + Uri.EscapeDataString(ids[((worker * 10) + i) % ids.Length]);
                        using var response = await gateway.Client.RequestAsync(url, noCache: list);
                        statuses.Enqueue($"{(int)response.StatusCode} {url}");
                    }
                },
                Ct)));
            using var ready = await gateway.Client.GetAsync("health/ready", Ct);

            Assert.Equal(40, statuses.Count);
            Assert.All(statuses, s => Assert.True(s.StartsWith("200 ", StringComparison.Ordinal), s));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            await setup.Redis.ResumeAsync();
        }

        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                using var response = await gateway.Client.GetAsync("health/ready", Ct);
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(200)), "readiness did not recover after Redis resumed");
    }

    [Fact]
    public async Task Refresh_AfterRedisWasRestarted_StillDropsTheOtherReplicasCopy()
    {
        await using var setup = await SharedRedisSetup.StartAsync();
        var admin = await setup.StartReplicaAsync(admin: true);
        var other = await setup.StartReplicaAsync(admin: true);
        using (var cold = await other.Client.RequestAsync("v1/invoices/sendcloud:1"))
        {
            Assert.Equal("miss", cold.XCache());
        }

        await setup.Redis.StopAsync();
        await setup.Redis.RestartAsync(Ct);
        using (var warm = await other.Client.RequestAsync("v1/invoices/sendcloud:1"))
        {
            Assert.Equal("hit", warm.XCache()); // from its memory: Redis came back empty
        }

        // Both replicas reconnect (and re-subscribe) by themselves; until then a refresh reaches only its own replica.
        string? state = null;
        Assert.True(await GatewayCalls.EventuallyAsync(
            async () =>
            {
                using var refresh = await admin.Client.PostAsync("v1/sources/sendcloud/refresh", null, Ct);
                Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
                using var response = await other.Client.RequestAsync("v1/invoices/sendcloud:1");
                state = response.XCache();
                return state != "hit";
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(200)), "after the restart a refresh never reached the other replica");
        Assert.Equal("miss", state);
    }

    /// <summary>Whether Redis holds the gateway's cached copy of an invoice (read with a connection of the test's own).</summary>
    private static async Task<bool> RedisHasAsync(SharedRedisSetup setup, string invoiceId)
    {
        var parts = invoiceId.Split(':', 2);
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(setup.Redis.Configuration + ",abortConnect=false,connectTimeout=1000");
        // The gateway's key layout: InvoiceCacheOptions.KeyPrefix "ig:" + SourceRuntime.DetailCacheKey.
        return await connection.GetDatabase().KeyExistsAsync($"ig:src:{parts[0]}:inv:{parts[1]}");
    }
}
