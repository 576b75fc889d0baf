using System.Net;
using System.Text;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Authentication;

public sealed class StaticCredentialsTests : IAsyncLifetime
{
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();
        _server.OnStatus("/api/invoices", 200, "[]");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Send_WhenAuthIsBasic_SendsBasicHeaderOfUsernameAndPassword()
    {
        using var client = Client(_server, new UpstreamAuthOptions { Type = "basic", Username = "public-key", Password = "pä:ss" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("public-key:pä:ss"));
        Assert.Equal(expected, Assert.Single(_server.RequestsTo("/api/invoices")).Header("Authorization"));
    }

    [Fact]
    public async Task Send_WhenAuthIsBearer_SendsBearerToken()
    {
        using var client = Client(_server, new UpstreamAuthOptions { Type = "Bearer", Token = "static-token" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal("Bearer static-token", Assert.Single(_server.RequestsTo("/api/invoices")).Header("Authorization"));
    }

    [Fact]
    public async Task Send_WhenAuthIsApiKeyWithoutHeaderName_SendsXApiKey()
    {
        using var client = Client(_server, new UpstreamAuthOptions { Type = "apikey", Token = "key-1" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        var request = Assert.Single(_server.RequestsTo("/api/invoices"));
        Assert.Equal("key-1", request.Header("X-Api-Key"));
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public async Task Send_WhenAdapterNamesApiKeyHeader_UsesAdapterHeader()
    {
        using var client = Client(
            _server, new UpstreamAuthOptions { Type = "apikey", Token = "key-2" }, adapter: new AuthDefaults { HeaderName = "X-Auth-Key" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal("key-2", Assert.Single(_server.RequestsTo("/api/invoices")).Header("X-Auth-Key"));
    }

    [Fact]
    public async Task Send_WhenOptionsNameApiKeyHeader_OptionsWinOverAdapter()
    {
        using var client = Client(
            _server,
            new UpstreamAuthOptions { Type = "apikey", Token = "key-3", HeaderName = "X-Source-Key" },
            adapter: new AuthDefaults { HeaderName = "X-Auth-Key" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        var request = Assert.Single(_server.RequestsTo("/api/invoices"));
        Assert.Equal("key-3", request.Header("X-Source-Key"));
        Assert.Null(request.Header("X-Auth-Key"));
    }

    [Fact]
    public async Task Send_WhenAuthIsNone_SendsNoCredentials()
    {
        using var client = Client(_server);

        using var response = await client.Http.GetAsync("invoices", Ct);

        var request = Assert.Single(_server.RequestsTo("/api/invoices"));
        Assert.Null(request.Header("Authorization"));
        Assert.Null(request.Header("X-Api-Key"));
    }

    [Fact]
    public async Task Send_WhenOptionsNameNoType_UsesAdapterType()
    {
        using var client = Client(_server, new UpstreamAuthOptions { Token = "from-config" }, adapter: new AuthDefaults { Type = "bearer" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal("Bearer from-config", Assert.Single(_server.RequestsTo("/api/invoices")).Header("Authorization"));
    }

    [Fact]
    public async Task ApplyAsync_WhenRequestCarriesOtherCredentials_ReplacesThem()
    {
        using var client = Client(_server, new UpstreamAuthOptions { Type = "basic", Username = "u", Password = "p" });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Root, "api/invoices"));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer caller-token");

        await client.Credentials.ApplyAsync(request, Ct);

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")), request.Headers.Authorization?.ToString());
    }

    [Fact]
    public async Task Http_BaseAddressEndsInSlash_RelativePathsStayUnderBaseUrl()
    {
        using var client = Client(_server);

        Assert.Equal(new Uri(_server.Root, "api/"), client.Http.BaseAddress);
        using var response = await client.Http.GetAsync("invoices", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
