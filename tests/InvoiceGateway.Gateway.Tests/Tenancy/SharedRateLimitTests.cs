using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// A definition's <c>Upstream:RequestsPerSecond</c> is one limit for all its connections in every replica, kept in
/// Redis; without Redis (or while it is down) each replica limits its own calls. Asserted on the upstream request
/// counts the sandbox records over the measured window, never on timings: a token bucket of rate r and burst b lets
/// through at most b + r × (window) calls, however fast or slow the machine is.
/// </summary>
[Collection(nameof(RateMeasurement))]
public sealed class SharedRateLimitTests
{
    private const int Rate = 5;
    private const int PerReplica = 15;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicas_OnOneRedis_StayWithinTheDefinitionsRateTogether()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 }, cancellationToken: Ct);
        var settings = TenantSetup.For(
            sandbox,
            ("Gateway:Redis", redis.Configuration),
            ("Gateway:Sources:ibana-app:Upstream:RequestsPerSecond", Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // Waiting for the rate counts toward a call's timeouts: these reads wait seconds on purpose.
            ("Gateway:Sources:ibana-app:Timeout", "00:02:00"),
            ("Gateway:Sources:ibana-app:Resilience:AttemptTimeout", "00:02:00"),
            ("Gateway:Sources:ibana-app:Resilience:TotalTimeout", "00:02:00"));
        await using var one = await GatewayServer.StartAsync(settings);
        await using var other = await GatewayServer.StartAsync(settings);
        using var onOne = TenantSetup.Client(one, TenantSetup.AppKey, "rate-a");
        using var onOther = TenantSetup.Client(other, TenantSetup.AppKey, "rate-b");

        // Each creation reads the connection's first (and only) page once, through the definition's limit. The bucket's key
        // lives one refill of the whole bucket (1 s) after the last call it allowed, so it is looked for while they run.
        using var inspect = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var keySeen = WatchKeyAsync(inspect.GetDatabase(), "rl:tb:{ig:upstream:ibana-app}", running.Token);
        sandbox.Requests.Reset();
        var window = Stopwatch.StartNew();
        var created = await Task.WhenAll(Enumerable.Range(0, PerReplica)
            .SelectMany(i => new[] { ConnectAsync(onOne, $"books-{i}"), ConnectAsync(onOther, $"books-{i}") }));
        window.Stop();
        var upstream = sandbox.Requests.Count("ibana");
        await running.CancelAsync();

        Assert.All(created, body => Assert.True(body.Contains("\"state\":\"active\"", StringComparison.Ordinal), body));
        Assert.True(upstream >= 2 * PerReplica, $"each of the {2 * PerReplica} connections was read once; the sandbox saw {upstream} requests");

        // One shared bucket (RedisRateLimiting refills it smoothly, one token per 1/Rate s, on millisecond timestamps): at
        // most its burst (Rate) plus Rate per second of the window, and a margin of 2 for the two clocks. A bucket per
        // replica would have let twice that through: the 30 reads in about 2 s instead of about 5 s. A replica whose
        // Redis call times out (1 s) limits its own calls for 2 s (by design: the limiter's store must not fail reads);
        // the message says when that happened, which only a starved machine causes.
        var allowed = Rate + (Rate * window.Elapsed.TotalSeconds) + 2;
        var fellBack = one.Logs.Lines.Concat(other.Logs.Lines).Count(l => l.Contains("this replica limits its own calls", StringComparison.Ordinal));
        Assert.True(upstream <= allowed,
            $"{upstream} upstream requests in {window.Elapsed.TotalSeconds:F1} s; the shared limit allows {allowed:F0} (replicas that fell back to their own bucket: {fellBack})");
        Assert.True(await keySeen, "the bucket is kept in Redis under the definition's name");
    }

    private static async Task<bool> WatchKeyAsync(IDatabase db, RedisKey key, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await db.KeyExistsAsync(key))
            {
                return true;
            }

            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return await db.KeyExistsAsync(key);
    }

    [Fact]
    public async Task RedisDown_CallsFallBackToTheReplicasOwnBucket_AndShareAgainOnceItIsBack()
    {
        await using var redis = await RedisServer.StartAsync(Ct);
        using var connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { redis.Configuration },
            AbortOnConnectFail = false,
            ConnectTimeout = 1000,
            AsyncTimeout = 1000,
        });
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";
        using var limit = new DefinitionRateLimit("books", 1000, connection, prefix, TimeProvider.System, NullLogger.Instance);
        var key = (RedisKey)$"rl:tb:{{{prefix}upstream:books}}";
        Assert.True(limit.IsShared);
        Assert.True(await limit.AcquireAsync(Ct));
        Assert.True(await connection.GetDatabase().KeyExistsAsync(key));

        await redis.StopAsync();

        // The store of the limit is gone: calls are still allowed, by this replica's own bucket, never failed.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 20; i++)
        {
            Assert.True(await limit.AcquireAsync(bounded.Token));
        }

        await redis.RestartAsync(Ct);

        // Redis came back empty; the next calls write the shared bucket again (polled with a generous bound).
        for (var attempt = 0; attempt < 300 && !await KeyExistsAsync(connection, key); attempt++)
        {
            Assert.True(await limit.AcquireAsync(bounded.Token));
            await Task.Delay(100, Ct);
        }

        Assert.True(await KeyExistsAsync(connection, key), "the limit is shared through Redis again once it answers");
    }

    private static async Task<bool> KeyExistsAsync(IConnectionMultiplexer connection, RedisKey key)
    {
        try
        {
            return await connection.GetDatabase().KeyExistsAsync(key);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task<string> ConnectAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync(
            "v1/connections", new { name, source = "ibana-app", credentials = new { Token = SandboxCredentials.IbanaToken } }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return body;
    }
}

/// <summary>Runs alone, after the parallel tests: it counts calls against a rate over a wall-clock window.</summary>
[CollectionDefinition(nameof(RateMeasurement), DisableParallelization = true)]
public sealed class RateMeasurement;
