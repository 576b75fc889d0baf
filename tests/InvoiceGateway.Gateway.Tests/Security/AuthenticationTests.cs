using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>401 for a missing, wrong or repeated key on every /v1 endpoint; 403 for non-admins on admin endpoints; 404s that say nothing more.</summary>
public sealed class AuthenticationTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/v1/invoices" },
        { "GET", "/v1/invoices?source=goscore&limit=5" },
        { "GET", "/v1/invoices/goscore:8599002184" },
        { "GET", "/v1/invoices/nosuch:1" },
        { "GET", "/v1/sources" },
        { "POST", "/v1/sources/goscore/refresh" },
        { "GET", "/v1/sources/ibana/raw/v1/invoice?page=1&limit=5" },
        { "HEAD", "/v1/sources/ibana/raw/v1/invoice" },
        { "GET", "/v1/nothing-here" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_WhenApiKeyIsMissing_Is401ProblemAndReachesNoSource(string method, string url)
    {
        var before = fixture.Sandbox.Requests.Snapshot();

        using var response = await fixture.Client.SendWithKeyAsync(new HttpMethod(method), url.TrimStart('/'), key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        if (method != "HEAD")
        {
            var problem = await response.ReadProblemAsync();
            Assert.Contains("needs an API key", problem.Str("detail"), StringComparison.Ordinal);
        }

        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_WhenApiKeyIsWrong_Is401ProblemAndReachesNoSource(string method, string url)
    {
        var before = fixture.Sandbox.Requests.Snapshot();
        string[] wrongKeys =
        [
            "not-a-key-at-all-but-long-enough",
            TestKeys.Ops + "x",
            TestKeys.Ops.ToUpperInvariant(),
            TestKeys.Ops[..^1],
            " " + TestKeys.Ops + "x",
            TestKeys.Sha256(TestKeys.Billing), // the configured digest is not itself a key
            new string('k', 600),
        ];

        foreach (var key in wrongKeys)
        {
            using var response = await fixture.Client.SendWithKeyAsync(new HttpMethod(method), url.TrimStart('/'), key);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            if (method != "HEAD")
            {
                await response.ReadProblemAsync();
            }
        }

        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Fact]
    public async Task Request_WhenSeveralApiKeyHeadersAreSent_Is401EvenIfEachIsValid()
    {
        (string, string)[][] attempts =
        [
            [("X-Api-Key", TestKeys.Ops), ("X-Api-Key", TestKeys.Ops)],
            [("X-Api-Key", TestKeys.Reader), ("X-Api-Key", TestKeys.Ops)],
            [("X-Api-Key", "wrong-key-but-long-enough-0000"), ("X-Api-Key", TestKeys.Ops)],
            [("X-Api-Key", TestKeys.Ops + ", " + TestKeys.Reader)],
            [("X-Api-Key", TestKeys.Ops), ("x-api-key", TestKeys.Ops)],
        ];

        foreach (var headers in attempts)
        {
            var answer = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", "/v1/sources", headers);

            Assert.Equal(401, answer.Status);
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.DoesNotContain("goscore", answer.Body, StringComparison.Ordinal);
        }

        var single = await RawHttp.SendAsync(fixture.Gateway.Address, "GET", "/v1/sources", [("X-Api-Key", TestKeys.Ops)]);
        Assert.Equal(200, single.Status);
    }

    [Fact]
    public async Task Request_WhenKeyIsStoredAsSha256Digest_IsAcceptedWithItsScope()
    {
        using var response = await fixture.Client.GetWithKeyAsync("v1/sources", TestKeys.Billing);
        var sources = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["goscore", "ibana"], sources.Select(s => s.Str("name")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("POST", "/v1/sources/goscore/refresh")]
    [InlineData("GET", "/v1/sources/goscore/raw/invoices/1?page=1&per_page=5")]
    [InlineData("GET", "/v1/sources/ibana/raw/v1/invoice?page=1&limit=5")]
    public async Task AdminEndpoint_WhenKeyIsNotAdmin_Is403AndReachesNoSource(string method, string url)
    {
        var before = fixture.Sandbox.Requests.Snapshot();

        foreach (var key in new[] { TestKeys.Billing, TestKeys.Reader })
        {
            using var response = await fixture.Client.SendWithKeyAsync(new HttpMethod(method), url.TrimStart('/'), key);
            var problem = await response.ReadProblemAsync();

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("admin", problem.Str("detail"), StringComparison.Ordinal);
        }

        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Theory]
    [InlineData("GET", "/v1/invoices/nosuch:1", "There is no source 'nosuch' you can read.")]
    [InlineData("GET", "/v1/invoices/goscore:no-such-invoice", "Source 'goscore' has no invoice 'no-such-invoice'.")]
    [InlineData("GET", "/v1/sources/nosuch", null)]
    [InlineData("POST", "/v1/sources/nosuch/refresh", "There is no source 'nosuch' you can read.")]
    [InlineData("GET", "/v1/sources/nosuch/raw/x", null)]
    [InlineData("GET", "/v1/nothing-here", null)]
    [InlineData("GET", "/nothing-here", null)]
    public async Task Request_WhenTargetDoesNotExist_Is404Problem(string method, string url, string? detail)
    {
        using var response = await fixture.Client.SendWithKeyAsync(new HttpMethod(method), url.TrimStart('/'), TestKeys.Ops);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        if (detail is not null)
        {
            // The route's own answer naming what is missing: fails if the route stopped matching.
            Assert.Equal("Not found.", problem.Str("title"));
            Assert.EndsWith("#errors-404", problem.Str("type"), StringComparison.Ordinal);
            Assert.Equal(detail, problem.Str("detail"));
        }
    }

    [Theory]
    [InlineData("health/live")]
    [InlineData("health/ready")]
    [InlineData("openapi/v1.json")]
    public async Task OperationalEndpoint_WhenKeysAreConfigured_IsOpenWithoutAKey(string url)
    {
        using var response = await fixture.Client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminEndpoints_WhenNoKeysAreConfigured_Are403_ReadsAreAnonymous_AndAWarningIsLoggedAtStartup()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, SandboxConfig.WithoutSync));
        var warnings = gateway.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).ToArray();

        Assert.Single(warnings, l => l.Contains("No API keys are configured", StringComparison.Ordinal));

        using var refresh = await gateway.Client.SendWithKeyAsync(HttpMethod.Post, "v1/sources/goscore/refresh", key: null);
        using var raw = await gateway.Client.GetWithKeyAsync("v1/sources/ibana/raw/v1/invoice?page=1&limit=5", key: null);
        using var rawWithSomeKey = await gateway.Client.GetWithKeyAsync("v1/sources/ibana/raw/v1/invoice", TestKeys.Ops);

        Assert.Equal(HttpStatusCode.Forbidden, refresh.StatusCode);
        Assert.Contains("no API keys are configured", (await refresh.ReadProblemAsync()).Str("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
        Assert.Contains("no API keys are configured", (await raw.ReadProblemAsync()).Str("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, rawWithSomeKey.StatusCode);
        Assert.All(sandbox.Requests.Snapshot().Values, count => Assert.Equal(0, count));

        var page = await gateway.Client.GetObjectAsync("v1/invoices?limit=500");
        Assert.Equal(SandboxConfig.SourceNames.Order(StringComparer.Ordinal),
            page["data"]!.AsArray().Select(i => i.Str("source")).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Startup_WhenKeysAreConfigured_LogsNoWarningAboutKeys()
    {
        Assert.DoesNotContain(fixture.Gateway.Logs.Lines, l => l.Contains("No API keys", StringComparison.Ordinal));
    }
}
