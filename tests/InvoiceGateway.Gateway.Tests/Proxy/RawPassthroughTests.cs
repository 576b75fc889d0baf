using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Security;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Proxy;

/// <summary>GET|HEAD /v1/sources/{name}/raw/{**path}: the upstream itself, the source's credentials injected, the caller's never forwarded.</summary>
public sealed class RawPassthroughTests(PassthroughFixture fixture) : IClassFixture<PassthroughFixture>
{
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true };

    [Fact]
    public async Task Raw_WhenAdminAsksForIbanaInvoices_ReturnsTheSandboxsOwnJson()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await fixture.Client.GetWithKeyAsync("v1/sources/ibana/raw/v1/invoice?page=1&limit=5", TestKeys.Ops);
        var body = await response.Content.ReadAsStringAsync(ct);

        // The same request straight to the sandbox: refused without the token, the same bytes with it.
        using var direct = new HttpClient();
        var url = new Uri(fixture.Sandbox.BaseUrlOf("ibana") + "/v1/invoice?page=1&limit=5");
        using var anonymous = await direct.GetAsync(url, ct);
        using var authorized = new HttpRequestMessage(HttpMethod.Get, url);
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SandboxCredentials.IbanaToken);
        using var withToken = await direct.SendAsync(authorized, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(await withToken.Content.ReadAsStringAsync(ct), body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(5, json.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(5, json.RootElement.GetProperty("meta").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Raw_WhenAdminAsksForGoScoreInvoices_ExchangesTheTokenFirst()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox));
        Assert.Equal(0, sandbox.Requests.TokenCount("goscore"));

        using var response = await gateway.Client.GetWithKeyAsync("v1/sources/goscore/raw/invoices/1?page=1&per_page=5", TestKeys.Ops);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, sandbox.Requests.TokenCount("goscore"));
        using var json = JsonDocument.Parse(body, Lenient);
        Assert.Equal("done", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("invoices").GetArrayLength());
        Assert.Equal("8599002184", json.RootElement.GetProperty("invoices")[0].GetProperty("id").ToString());

        // The token is cached: a second call exchanges nothing.
        using var again = await gateway.Client.GetWithKeyAsync("v1/sources/goscore/raw/invoices/1?page=2&per_page=5", TestKeys.Ops);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, sandbox.Requests.TokenCount("goscore"));
    }

    [Theory]
    [InlineData("goscore", "invoices/1?page=1&per_page=3", "invoices")]
    [InlineData("sendcloud", "user/invoices", "invoices")]
    [InlineData("sendcloud", "user/invoices/1", "invoice")]
    [InlineData("sendregning", "invoices/?page=1&perPage=3", null)]
    [InlineData("sendregning", "invoices/123", "number")]
    [InlineData("ibana", "v1/invoice/3f6c1b2e-8d4a-4c1f-9b7e-2a5d9c0e7f41", "invoiceNumber")]
    [InlineData("dollr", "v1/invoices/list", null)]
    [InlineData("dollr", "v1/invoices/retrieve/123", "invoice_items")]
    public async Task Raw_WhenAdminAsksAnySource_ServesTheUpstreamsOwnAnswerWithItsCredentials(string source, string path, string? property)
    {
        var before = fixture.Sandbox.Requests.Count(source);

        using var response = await fixture.Client.GetWithKeyAsync($"v1/sources/{source}/raw/{path}", TestKeys.Ops);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body, Lenient);
        if (property is null)
        {
            Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        }
        else
        {
            Assert.True(json.RootElement.TryGetProperty(property, out _), body);
        }

        Assert.Equal(before + 1, fixture.Sandbox.Requests.Count(source));
    }

    [Fact]
    public async Task Raw_WhenCallerSendsItsOwnCredentials_ForwardsOnlyTheSourcesAndStaysOnItsHost()
    {
        fixture.Echo.Requests.Clear();

        using var response = await fixture.Client.SendWithKeyAsync(HttpMethod.Get, "v1/sources/echo/raw/invoices/42?page=2&limit=5", TestKeys.Ops, headers =>
        {
            headers.TryAddWithoutValidation("Authorization", "Bearer caller-own-token-0000");
            headers.TryAddWithoutValidation("Cookie", "session=caller-cookie");
            headers.TryAddWithoutValidation("Proxy-Authorization", "Basic Y2FsbGVyOnNlY3JldA==");
            headers.TryAddWithoutValidation("X-Custom", "kept");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(fixture.Echo.Requests);
        Assert.Equal("GET", seen.Method);
        Assert.Equal("/api/v1/invoices/42?page=2&limit=5", seen.Target);
        Assert.Equal(fixture.Echo.Root.Authority, seen.Host);
        Assert.Equal("Bearer " + PassthroughFixture.EchoToken, seen.Headers["Authorization"]);
        Assert.False(seen.Headers.ContainsKey("X-Api-Key"));
        Assert.False(seen.Headers.ContainsKey("Cookie"));
        Assert.False(seen.Headers.ContainsKey("Proxy-Authorization"));
        Assert.Equal("kept", seen.Headers["X-Custom"]);
        var all = string.Join("\n", seen.Headers.Select(h => h.Key + ": " + h.Value));
        Assert.DoesNotContain(TestKeys.Ops, all, StringComparison.Ordinal);
        Assert.DoesNotContain("caller-own-token", all, StringComparison.Ordinal);
        Assert.Empty(fixture.Elsewhere.Requests);
    }

    [Fact]
    public async Task Raw_WhenTheSourcesCredentialIsWrong_TheCallersValidOneDoesNotGetThrough()
    {
        // The caller sends the token the sandbox would accept; the gateway holds a wrong one. Only the
        // gateway's reaches the sandbox, which refuses it with its own 401.
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(fixture.Sandbox,
            ("Gateway:Sources:ibana:Auth:Token", "a-wrong-ibana-token-1234")));

        using var response = await gateway.Client.SendWithKeyAsync(HttpMethod.Get, "v1/sources/ibana/raw/v1/invoice?page=1&limit=5", TestKeys.Ops,
            headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", SandboxCredentials.IbanaToken));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"statusCode\":401", body, StringComparison.Ordinal); // ibana's own error shape, passed through
    }

    [Fact]
    public async Task Raw_WhenTheTokenExchangeFails_Is502ProblemNamingTheSourceWithoutTheSecret()
    {
        const string wrongSecret = "a-wrong-goscore-secret-5678";
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(fixture.Sandbox,
            ("Gateway:Sources:goscore:Auth:SecretKey", wrongSecret)));
        var before = fixture.Sandbox.Requests.Count("goscore");

        using var response = await gateway.Client.GetWithKeyAsync("v1/sources/goscore/raw/invoices/1?page=1&per_page=5", TestKeys.Ops);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("goscore", problem.Str("source"));
        Assert.Equal("upstream_unauthorized", problem.Str("code"));
        Assert.Contains("goscore", problem.Str("detail"), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, string.Join("\n", gateway.Logs.Lines), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Sandbox.Requests.Count("goscore"));
    }

    [Fact]
    public async Task Raw_WhenTheUpstreamCannotBeReached_Is502Problem()
    {
        var closed = await EchoUpstream.StartAsync();
        var root = closed.Root;
        await closed.DisposeAsync();
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(fixture.Sandbox, PassthroughFixture.EchoSource(root)));

        using var response = await gateway.Client.GetWithKeyAsync("v1/sources/echo/raw/anything", TestKeys.Ops);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("echo", problem.Str("source"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Raw_WhenMethodIsNotGetOrHead_Is405AndNeverReachesTheUpstream(string method)
    {
        fixture.Echo.Requests.Clear();
        var before = fixture.Sandbox.Requests.Snapshot();
        var tokensBefore = fixture.Sandbox.Requests.TokenCount("goscore");

        foreach (var url in new[] { "v1/sources/echo/raw/invoices", "v1/sources/ibana/raw/v1/invoice", "v1/sources/goscore/raw/invoices/1" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url)
            {
                Content = new StringContent("{\"id\":1}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Api-Key", TestKeys.Ops);
            using var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            await response.ReadProblemAsync();
        }

        Assert.Empty(fixture.Echo.Requests);
        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
        Assert.Equal(tokensBefore, fixture.Sandbox.Requests.TokenCount("goscore"));
    }

    [Fact]
    public async Task Raw_WhenMethodIsHead_IsForwardedAsHead()
    {
        fixture.Echo.Requests.Clear();

        using var response = await fixture.Client.SendWithKeyAsync(HttpMethod.Head, "v1/sources/echo/raw/invoices", TestKeys.Ops);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HEAD", Assert.Single(fixture.Echo.Requests).Method);
    }

    [Fact]
    public async Task Raw_WhenTheUpstreamAnswers404_PassesItsOwnAnswerThrough()
    {
        using var response = await fixture.Client.GetWithKeyAsync("v1/sources/ibana/raw/v1/invoice/no-such-invoice", TestKeys.Ops);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Invoice not found", body, StringComparison.Ordinal);
        Assert.Contains("invoicegateway", response.Headers.Via.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_WhenTheGatewayRefuses_AnswersItsOwnProblemWithoutVia()
    {
        using var response = await fixture.Client.GetWithKeyAsync("v1/sources/ibana/raw/a%2Fb", TestKeys.Ops);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["path"]);
        Assert.Empty(response.Headers.Via);
    }
}
