using System.Net;
using System.Text.Json;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Security;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Proxy;

/// <summary>Routes of the standard <c>ReverseProxy</c> section keep working beside the generated source routes.</summary>
public sealed class UserRoutesTests
{
    private static (string Key, string? Value)[] UserRoutes(Uri echo) =>
    [
        ("ReverseProxy:Routes:ext:ClusterId", "ext"),
        ("ReverseProxy:Routes:ext:Match:Path", "/ext/{**rest}"),
        ("ReverseProxy:Routes:ext:Transforms:0:PathPattern", "/{**rest}"),
        ("ReverseProxy:Routes:ext-v1:ClusterId", "ext"),
        ("ReverseProxy:Routes:ext-v1:Match:Path", "/v1/ext/{**rest}"),
        ("ReverseProxy:Routes:ext-v1:Transforms:0:PathPattern", "/v1/{**rest}"),
        ("ReverseProxy:Clusters:ext:Destinations:d1:Address", echo.ToString()),
    ];

    [Fact]
    public async Task UserRoute_WhenDefinedInTheReverseProxySection_KeepsWorkingBesideTheSourceRoutes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: ct);
        await using var echo = await EchoUpstream.StartAsync();
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox, UserRoutes(echo.Root)));

        using var user = await gateway.Client.GetWithKeyAsync("ext/hello/world?x=1", TestKeys.Reader);
        using var raw = await gateway.Client.GetWithKeyAsync("v1/sources/ibana/raw/v1/invoice?page=1&limit=2", TestKeys.Ops);
        using var list = await gateway.Client.GetWithKeyAsync("v1/invoices?limit=5", TestKeys.Reader);

        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var seen = JsonSerializer.Deserialize<EchoedRequest>(await user.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("/hello/world?x=1", seen.Target);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        using var ibana = JsonDocument.Parse(await raw.Content.ReadAsStringAsync(ct));
        Assert.Equal(2, ibana.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task UserRoute_UnderV1_NeedsAnApiKey_WhichIsNotForwarded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: ct);
        await using var echo = await EchoUpstream.StartAsync();
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox, UserRoutes(echo.Root)));

        using var anonymous = await gateway.Client.GetAsync("v1/ext/status", ct);
        using var keyed = await gateway.Client.GetWithKeyAsync("v1/ext/status", TestKeys.Reader);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        var seen = Assert.Single(echo.Requests);
        Assert.Equal("/v1/status", seen.Target);
        Assert.False(seen.Headers.ContainsKey("X-Api-Key"), "the gateway's own API key must not reach a user route's upstream");
    }
}
