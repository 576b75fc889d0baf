using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests;

/// <summary>GET /v1/invoices/{id}: detail, X-Cache, ETag and 304, no-cache bypass, stale-if-error, upstream errors.</summary>
public sealed class InvoiceByIdTests
{
    [Theory]
    [InlineData("goscore:8599002184")]
    [InlineData("sendcloud:1")]
    [InlineData("sendregning:123")]
    public async Task Get_SeedInvoice_ReturnsItInFullDetail(string id)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));

        var invoice = await gateway.Client.GetObjectAsync("v1/invoices/" + Uri.EscapeDataString(id));

        Assert.Equal(id, invoice.Str("id"));
        if (id.StartsWith("sendcloud", StringComparison.Ordinal))
        {
            // The list has items as a URL; the detail endpoint has the lines.
            Assert.Equal(4, invoice["lines"]!.AsArray().Count);
            Assert.Equal("2020-10-05", invoice.Str("issueDate"));
        }
    }

    [Fact]
    public async Task Get_IsMissThenHit_WithStableETag_And304OnIfNoneMatch()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));
        var client = gateway.Client;

        using var first = await client.GetAsync("v1/invoices/sendregning:123", TestContext.Current.CancellationToken);
        using var second = await client.GetAsync("v1/invoices/sendregning:123", TestContext.Current.CancellationToken);

        Assert.Equal("miss", first.Headers.GetValues("X-Cache").Single());
        Assert.Equal("hit", second.Headers.GetValues("X-Cache").Single());
        var etag = first.Headers.ETag!;
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal(
            await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "v1/invoices/sendregning:123");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(conditional, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Get_WithCacheControlNoCache_GoesToTheUpstreamAgain()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.ForAdmin(sandbox), clientKey: SandboxConfig.AdminKey);
        using var warm = await gateway.Client.GetAsync("v1/invoices/ibana:" + await FirstIdAsync(gateway, "ibana"), TestContext.Current.CancellationToken);
        var before = sandbox.Requests.Count("ibana");

        using var request = new HttpRequestMessage(HttpMethod.Get, warm.RequestMessage!.RequestUri);
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        using var bypassed = await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, bypassed.StatusCode);
        Assert.Equal("miss", bypassed.Headers.GetValues("X-Cache").Single());
        Assert.True(sandbox.Requests.Count("ibana") > before);
    }

    [Fact]
    public async Task Get_WhenUpstreamFailsAfterTtl_ServesTheLastGoodCopyAsStale()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:Sources:sendregning:Cache:Ttl", "00:00:00.200")));
        using var fresh = await gateway.Client.GetAsync("v1/invoices/sendregning:123", TestContext.Current.CancellationToken);
        var body = await fresh.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        sandbox.Faults.Set("sendregning", new SandboxFault { Status = 500 });
        await Task.Delay(400, TestContext.Current.CancellationToken);

        using var stale = await gateway.Client.GetAsync("v1/invoices/sendregning:123", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("stale", stale.Headers.GetValues("X-Cache").Single());
        Assert.Equal(body, await stale.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(500, HttpStatusCode.BadGateway)]
    [InlineData(0, HttpStatusCode.GatewayTimeout)]
    public async Task Get_WhenUpstreamFailsAndNothingIsCached_IsProblem(int status, HttpStatusCode expected)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        sandbox.Faults.Set("sendregning", status == 0 ? new SandboxFault { LatencyMs = 10_000 } : new SandboxFault { Status = status });
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("Gateway:Sources:sendregning:Timeout", "00:00:01")));

        var (response, problem) = await gateway.Client.GetProblemAsync("v1/invoices/sendregning:123");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("sendregning", problem.Str("source"));
    }

    [Fact]
    public async Task Get_WithIncludeRaw_AddsThePayloadAndAnotherETag()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox));

        using var plain = await gateway.Client.GetAsync("v1/invoices/sendregning:123", TestContext.Current.CancellationToken);
        using var raw = await gateway.Client.GetAsync("v1/invoices/sendregning:123?include=raw", TestContext.Current.CancellationToken);
        var rawBody = JsonNode.Parse(await raw.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(123, rawBody["raw"]!["number"]!.GetValue<int>());
        Assert.NotEqual(plain.Headers.ETag, raw.Headers.ETag);
    }

    private static async Task<string> FirstIdAsync(GatewayServer gateway, string source)
    {
        var page = await gateway.Client.GetObjectAsync($"v1/invoices?source={source}&limit=1");
        return page["data"]![0].Str("sourceId")!;
    }
}
