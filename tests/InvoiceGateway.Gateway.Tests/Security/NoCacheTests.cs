using System.Net;
using InvoiceGateway.Gateway.Tests.Caching;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary><c>Cache-Control: no-cache</c> reaches the upstream for admin keys only; any other key is served from the cache.</summary>
public sealed class NoCacheTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    [Fact]
    public async Task Detail_WithNoCache_FromAReaderKey_IsServedFromTheCache_AndFromAnAdminKey_ReadsTheUpstream()
    {
        using var warm = await GetAsync("v1/invoices/sendcloud:2", TestKeys.Reader, noCache: false);
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var reached = fixture.Sandbox.Requests.Count("sendcloud");

        using var reader = await GetAsync("v1/invoices/sendcloud:2", TestKeys.Reader, noCache: true);
        Assert.Equal("hit", reader.XCache());
        Assert.Equal(reached, fixture.Sandbox.Requests.Count("sendcloud"));

        using var admin = await GetAsync("v1/invoices/sendcloud:2", TestKeys.Ops, noCache: true);
        Assert.Equal("miss", admin.XCache());
        Assert.Equal(reached + 1, fixture.Sandbox.Requests.Count("sendcloud"));
    }

    [Fact]
    public async Task List_WithNoCache_FromAReaderKey_IsServedFromTheCache()
    {
        using var warm = await GetAsync("v1/invoices?source=sendregning", TestKeys.Reader, noCache: false);
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var reached = fixture.Sandbox.Requests.Count("sendregning");

        for (var i = 0; i < 5; i++)
        {
            using var again = await GetAsync("v1/invoices?source=sendregning", TestKeys.Reader, noCache: true);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(reached, fixture.Sandbox.Requests.Count("sendregning"));
    }

    private Task<HttpResponseMessage> GetAsync(string url, string key, bool noCache) =>
        fixture.Client.SendWithKeyAsync(HttpMethod.Get, url, key, headers =>
        {
            if (noCache)
            {
                headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
            }
        });
}
