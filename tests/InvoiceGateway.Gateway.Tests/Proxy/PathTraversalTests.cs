using InvoiceGateway.Gateway.Tests.Security;

namespace InvoiceGateway.Gateway.Tests.Proxy;

/// <summary>
/// Raw paths that try to leave the source's API: refused with 400 or 404, and no request reaches
/// anything, neither another host nor another path of the source's own host. Sent over a plain
/// socket so that dot segments, backslashes and escapes arrive exactly as written.
/// </summary>
public sealed class PathTraversalTests(PassthroughFixture fixture) : IClassFixture<PassthroughFixture>
{
    public static TheoryData<string> EscapingTargets => new()
    {
        "/v1/sources/echo/raw/../admin",
        "/v1/sources/echo/raw/a/../../../../etc/passwd",
        "/v1/sources/echo/raw/%2e%2e/%2e%2e/%2e%2e/x",
        "/v1/sources/echo/raw/.%2e/admin",
        "/v1/sources/echo/raw/%2e%2e%2f%2e%2e%2fadmin",
        "/v1/sources/echo/raw/..%2fadmin",
        "/v1/sources/echo/raw/..%2Fadmin",
        "/v1/sources/echo/raw/a%2Fb",
        "/v1/sources/echo/raw/%2F%2Fevil.example/x",
        "/v1/sources/echo/raw/%252e%252e%252fadmin",
        "/v1/sources/echo/raw/%252e%252e/admin",
        "/v1/sources/echo/raw/%25252e%25252e/admin",
        "/v1/sources/echo/raw/..\\admin",
        "/v1/sources/echo/raw/a\\..\\..\\admin",
        "/v1/sources/echo/raw/%5c..%5cadmin",
        "/v1/sources/echo/raw/..%5cadmin",
        "/v1/sources/echo/raw/http://evil.example/",
        "/v1/sources/echo/raw/https://evil.example/x",
        "/v1/sources/echo/raw/http:%2F%2Fevil.example/x",
        "/v1/sources/echo/raw//evil.example",
        "/v1/sources/echo/raw//evil.example/x",
        "/v1/sources/echo/raw///evil.example/x",
        "/v1/sources/echo/raw/http://{elsewhere}/x",
        "/v1/sources/echo/raw//{elsewhere}/x",
        "/v1/sources/echo/raw/..;/admin",
        "/v1/sources/echo/raw/a/..;/..;/admin",
        "/v1/sources/echo/raw/..;jsessionid=1/admin",
        "/v1/sources/echo/raw/.;/x",
    };

    [Theory]
    [MemberData(nameof(EscapingTargets))]
    public async Task Raw_WhenPathTriesToEscapeTheSourcesApi_IsRefusedAndReachesNothing(string target)
    {
        fixture.Echo.Requests.Clear();
        fixture.Elsewhere.Requests.Clear();
        var before = fixture.Sandbox.Requests.Snapshot();
        target = target.Replace("{elsewhere}", fixture.Elsewhere.Root.Authority, StringComparison.Ordinal);

        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", target, [("X-Api-Key", TestKeys.Ops)]);

        Assert.True(answer.Status is 400 or 404, $"{target} answered {answer.Status}: {answer.Body}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Empty(fixture.Echo.Requests);
        Assert.Empty(fixture.Elsewhere.Requests);
        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Fact]
    public async Task Raw_WhenTargetIsAbsoluteFormNamingAnotherHost_GoesOnlyToTheSourcesHostAndPath()
    {
        fixture.Echo.Requests.Clear();
        fixture.Elsewhere.Requests.Clear();
        var elsewhere = fixture.Elsewhere.Root.Authority;

        var answer = await RawHttp.SendAsync(
            fixture.Gateway.Address, "GET", $"http://{elsewhere}/v1/sources/echo/raw/invoices/7?page=1", [("X-Api-Key", TestKeys.Ops)], host: elsewhere);

        Assert.Equal(200, answer.Status);
        var seen = Assert.Single(fixture.Echo.Requests);
        Assert.Equal("/api/v1/invoices/7?page=1", seen.Target);
        Assert.Equal(fixture.Echo.Root.Authority, seen.Host);
        Assert.Empty(fixture.Elsewhere.Requests);
    }

    [Theory]
    [InlineData("/v1/sources/echo/raw/invoices", "/api/v1/invoices")]
    [InlineData("/v1/sources/echo/raw/invoices/a%20b?q=x%2Fy", "/api/v1/invoices/a%20b?q=x%2Fy")]
    [InlineData("/v1/sources/echo/raw/./invoices", "/api/v1/invoices")]
    [InlineData("/v1/sources/echo/raw/", "/api/v1")]
    [InlineData("/v1/sources/echo/raw/x?url=http://evil.example/", "/api/v1/x?url=http://evil.example/")]
    public async Task Raw_WhenPathStaysInsideTheApi_ArrivesUnderTheSourcesBasePath(string target, string expected)
    {
        fixture.Echo.Requests.Clear();

        var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", target, [("X-Api-Key", TestKeys.Ops)]);

        Assert.Equal(200, answer.Status);
        Assert.Equal(expected, Assert.Single(fixture.Echo.Requests).Target);
    }
}
