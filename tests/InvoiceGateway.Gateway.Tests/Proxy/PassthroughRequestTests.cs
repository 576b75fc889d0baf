using System.Text.Json;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Security;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Proxy;

/// <summary>What the raw passthrough refuses or drops before anything reaches a source, and what no route ever forwards.</summary>
public sealed class PassthroughRequestTests(PassthroughFixture fixture) : IClassFixture<PassthroughFixture>
{
    [Theory]
    [InlineData(100, 400)]
    [InlineData(70 * 1024, 413)]
    public async Task Raw_GetWithABody_IsAClientError_AndNothingIsForwarded(int length, int status)
    {
        fixture.Echo.Requests.Clear();

        var answer = await RawHttp.SendAsync(
            fixture.Gateway.Address, "GET", "/v1/sources/echo/raw/invoices", [("X-Api-Key", TestKeys.Ops)], body: new string('x', length));

        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Contains("no body", answer.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.Echo.Requests);
    }

    [Fact]
    public async Task Raw_UpgradeHeader_IsNotForwarded()
    {
        fixture.Echo.Requests.Clear();

        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", "/v1/sources/echo/raw/invoices",
            [("X-Api-Key", TestKeys.Ops), ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
             ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")]);

        Assert.Equal(200, answer.Status);
        var seen = Assert.Single(fixture.Echo.Requests);
        Assert.DoesNotContain(seen.Headers.Keys, h => h.Equals("Upgrade", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Raw_ForwardingHeaders_AreNeitherForwardedNorAdded()
    {
        fixture.Echo.Requests.Clear();

        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", "/v1/sources/echo/raw/invoices",
            [("X-Api-Key", TestKeys.Ops), ("X-Forwarded-For", "10.1.2.3"), ("X-Forwarded-Host", "intranet.example"),
             ("X-Forwarded-Proto", "https"), ("X-Forwarded-Prefix", "/finance"), ("Forwarded", "for=10.1.2.3;host=intranet.example")]);

        // The source is a third party called with the gateway's credentials: neither the caller's address nor the
        // gateway's own host name is its business, whoever sent them.
        Assert.Equal(200, answer.Status);
        var seen = Assert.Single(fixture.Echo.Requests);
        Assert.DoesNotContain(seen.Headers.Keys, h => h.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(seen.Headers.Keys, h => h.Equals("Forwarded", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task UserRoute_ApiKeyHeader_IsNeverForwarded_WhateverItHolds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: ct);
        await using var echo = await EchoUpstream.StartAsync();
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox,
            ("ReverseProxy:Routes:ext:ClusterId", "ext"),
            ("ReverseProxy:Routes:ext:Match:Path", "/ext/{**rest}"),
            ("ReverseProxy:Clusters:ext:Destinations:d1:Address", echo.Root.ToString())));

        var answer = await RawHttp.SendAsync(gateway.Address, "GET", "/ext/status", [("X-Api-Key", TestKeys.Ops + ", junk")]);

        Assert.Equal(200, answer.Status);
        var seen = JsonSerializer.Deserialize<EchoedRequest>(answer.Body)!;
        Assert.DoesNotContain(seen.Headers.Keys, h => h.Equals("X-Api-Key", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(TestKeys.Ops, answer.Body, StringComparison.Ordinal);
    }
}
