using System.Net;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Redirects;

public sealed class RedirectTests : IAsyncLifetime
{
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();
        _server.On("/api/invoices", (context, _) => TestUpstream.Respond(
            context, context.Request.Headers.Authorization == "Bearer static-token" ? 200 : 401, "[]"));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Get_WhenRedirectedWithinSameHost_FollowsWithCredentials()
    {
        _server.On("/api/old-invoices", (context, _) =>
        {
            context.Response.StatusCode = 301;
            context.Response.Headers.Location = "/api/invoices";
            return Task.CompletedTask;
        });
        using var client = Client(_server, new UpstreamAuthOptions { Type = "bearer", Token = "static-token" });

        using var response = await client.Http.GetAsync("old-invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/api/invoices", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Equal(1, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Get_WhenRedirectedToAnotherHost_ReturnsRedirectAndNeverSendsCredentialsThere()
    {
        await using var elsewhere = await TestUpstream.StartAsync();
        elsewhere.OnStatus("/steal", 200);
        _server.On("/api/away", (context, _) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = new Uri(elsewhere.Root, "steal").ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
            return Task.CompletedTask;
        });
        using var client = Client(_server, new UpstreamAuthOptions { Type = "bearer", Token = "static-token" });

        using var response = await client.Http.GetAsync("away", Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Get_WhenRedirectedToAnotherPortOfSameHost_DoesNotFollow()
    {
        await using var elsewhere = await TestUpstream.StartAsync();
        elsewhere.OnStatus("/steal", 200);
        _server.On("/api/away", (context, _) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(elsewhere.Root, "steal").ToString();
            return Task.CompletedTask;
        });
        using var client = Client(_server, new UpstreamAuthOptions { Type = "bearer", Token = "static-token" });

        using var response = await client.Http.GetAsync("away", Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Get_WhenRedirectsLoop_StopsAfterFiveAndReturnsTheRedirect()
    {
        _server.On("/api/loop", (context, _) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/api/loop";
            return Task.CompletedTask;
        });
        using var client = Client(_server);

        using var response = await client.Http.GetAsync("loop", Ct);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(6, _server.CountOf("/api/loop"));
    }
}
