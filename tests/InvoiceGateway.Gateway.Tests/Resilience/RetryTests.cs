using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Caching;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Resilience;

/// <summary>Retries wait as long as the upstream's Retry-After asks, and a non-idempotent request is never sent twice.</summary>
public sealed class RetryTests
{

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_WhenUpstreamAnswers429WithRetryAfter1_WaitsAtLeastThatLongAndSucceeds()
    {
        var body = await ReadThrough429Async("v1/invoices/sendcloud:1");

        Assert.Equal("sendcloud:1", body.Str("id"));
    }

    [Fact]
    public async Task List_WhenUpstreamAnswers429WithRetryAfter1_WaitsAtLeastThatLongAndServesTheSource()
    {
        var body = await ReadThrough429Async("v1/invoices?source=sendcloud");

        Assert.Equal("ok", body.SourceState("sendcloud").Str("state"));
        Assert.NotEmpty(body["data"]!.AsArray());
    }

    [Fact]
    public async Task TokenExchange_WhenTheTokenEndpointAnswers503_IsPostedOncePerReadAndNeverRetried()
    {
        await using var upstream = await UnavailableUpstream.StartAsync();
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:Sources:sendcloud:Auth:Type", "oauth2"),
            ("Gateway:Sources:sendcloud:Auth:Username", null),
            ("Gateway:Sources:sendcloud:Auth:Password", null),
            ("Gateway:Sources:sendcloud:Auth:ClientId", SandboxCredentials.SendcloudPublicKey),
            ("Gateway:Sources:sendcloud:Auth:ClientSecret", SandboxCredentials.SendcloudSecretKey),
            ("Gateway:Sources:sendcloud:Auth:TokenUrl", new Uri(upstream.Root, "oauth2/token/").ToString()),
            ("Gateway:Sources:sendcloud:Resilience:MaxRetries", "3"),
            SandboxConfig.WithoutSync)); // the token POSTs counted are the requests' own

        var page = await gateway.Client.GetPageAsync("v1/invoices?source=sendcloud,sendregning");
        Assert.Equal(1, upstream.Count("POST"));
        using var detail = await gateway.Client.RequestAsync("v1/invoices/sendcloud:1");

        Assert.Equal(2, upstream.Count("POST"));
        Assert.Equal(0, upstream.Count("GET"));
        Assert.Equal(0, sandbox.Requests.Count("sendcloud"));
        var state = page.SourceState("sendcloud");
        Assert.Equal("failed", state.Str("state"));
        Assert.Equal("upstream_unauthorized", state["error"].Str("code"));
        Assert.Equal(HttpStatusCode.BadGateway, detail.StatusCode);
        Assert.Equal("upstream_unauthorized", JsonNode.Parse(await detail.Content.ReadAsStringAsync(Ct)).Str("code"));
    }

    [Fact]
    public async Task UpstreamClient_WhenUpstreamAnswers503_RetriesAGetButSendsAPostOnce()
    {
        await using var upstream = await UnavailableUpstream.StartAsync();
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 1 }, cancellationToken: Ct);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));
        // The gateway's own factory: the pipeline its sources use.
        using var client = gateway.Services.GetRequiredService<UpstreamClientFactory>().Create(new UpstreamSource
        {
            Name = "unavailable",
            BaseUrl = upstream.Root,
            Resilience = new UpstreamResilienceOptions { MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10) },
        });

        using var get = await client.Http.GetAsync("invoices", Ct);
        using var post = await client.Http.PostAsync("invoices", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(3, upstream.Count("GET"));
        Assert.Equal(1, upstream.Count("POST"));
    }

    [Fact]
    public async Task RawPassthrough_Post_IsRefusedWith405AndNeverReachesTheUpstream()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        // Only the passthrough reads: the test counts its upstream calls.
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.ForAdmin(sandbox, SandboxConfig.WithoutSync), clientKey: SandboxConfig.AdminKey);

        using var get = await gateway.Client.GetAsync("v1/sources/sendcloud/raw/user/invoices", Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(1, sandbox.Requests.Count("sendcloud"));
        using var post = await gateway.Client.PostAsync("v1/sources/sendcloud/raw/user/invoices", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(1, sandbox.Requests.Count("sendcloud"));
    }

    /// <summary>Reads <paramref name="url"/> while sendcloud answers its next request 429 with Retry-After: 1.</summary>
    private static async Task<JsonObject> ReadThrough429Async(string url)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: Ct);
        // Only the request reads: the test counts its upstream calls and times its wait.
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, [.. GatewayCalls.GenerousTimeouts("sendcloud"), ("Gateway:Sync:Enabled", "false")]));
        sandbox.Faults.Set("sendcloud", new SandboxFault { Status = 429, RetryAfterSeconds = 1, RemainingCount = 1 });

        var started = Stopwatch.GetTimestamp();
        using var response = await gateway.Client.RequestAsync(url);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.True(sandbox.Requests.Count("sendcloud") == 2, $"{sandbox.Requests.Count("sendcloud")} upstream requests. {gateway.Retries()}");
        // The jittered backoff alone is about 50 ms here: waiting a second is the Retry-After's doing.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(950), $"answered after {elapsed.TotalMilliseconds:0} ms, before the Retry-After of 1 s");
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("Source sendcloud", StringComparison.Ordinal)
                                               && l.Contains("HTTP 429", StringComparison.Ordinal)
                                               && l.Contains("retrying in 1000 ms", StringComparison.Ordinal));
        return JsonNode.Parse(text)!.AsObject();
    }
}
