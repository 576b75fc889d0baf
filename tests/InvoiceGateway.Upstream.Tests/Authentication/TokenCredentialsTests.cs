using System.Net;
using System.Text.Json;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Authentication;

public sealed class TokenCredentialsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2021, 1, 19, 21, 58, 0, TimeSpan.Zero);

    private static readonly AuthDefaults DollrLike = new()
    {
        Type = "token",
        TokenExchange = new TokenExchange
        {
            Path = "/v1/jwt/client/obtain/token",
            BodyFormat = TokenBodyFormat.Json,
            Body = new Dictionary<string, string> { ["client_id"] = "{ClientId}", ["client_secret"] = "{ClientSecret}" },
            ExpiryUnit = TokenExpiryUnit.Minutes,
        },
    };

    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();

        // The API accepts only the newest token issued by any of the token endpoints.
        _server.On("/api/invoices", (context, _) =>
        {
            var newest = "Bearer tok-" + TokensIssued;
            return TestUpstream.Respond(context, context.Request.Headers.Authorization == newest ? 200 : 401, "[]");
        });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private int TokensIssued => _server.Requests.Count(r => r.Method == "POST");

    [Fact]
    public async Task Send_WhenAuthIsGoScore_ExchangesClientIdAndSecretKeyForBearerToken()
    {
        _server.On("/api/auth", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"token":"tok-{{call}}","expire_at":"01-19-2021 22:58"}"""));
        using var client = Client(
            _server, new UpstreamAuthOptions { Type = "goscore", ClientId = "client-1", SecretKey = "secret-key-1" }, time: new FakeTimeProvider(Start));

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exchange = Assert.Single(_server.RequestsTo("/api/auth"));
        Assert.Equal("POST", exchange.Method);
        Assert.Equal("client-1", exchange.Header("Client-ID"));
        Assert.Equal("secret-key-1", exchange.Header("Secret-Key"));
        Assert.Equal("Bearer tok-1", Assert.Single(_server.RequestsTo("/api/invoices")).Header("Authorization"));
    }

    [Fact]
    public async Task Send_WhenFiftyCallsStartTogether_GoScoreTokenIsFetchedOnce()
    {
        _server.On("/api/auth", async (context, call) =>
        {
            await Task.Delay(200, context.RequestAborted);
            await TestUpstream.Respond(context, 200, $$"""{"token":"tok-{{call}}","expire_at":"01-19-2021 22:58"}""");
        });
        using var client = Client(
            _server, new UpstreamAuthOptions { Type = "goscore", ClientId = "c", SecretKey = "s" }, time: new FakeTimeProvider(Start));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.Http.GetAsync("invoices", Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _server.CountOf("/api/auth"));
        Assert.Equal(50, _server.CountOf("/api/invoices"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Send_WhenAdapterDescribesJsonTokenExchange_PostsFilledBodyAndFetchesOnceForConcurrentCalls()
    {
        _server.On("/api/v1/jwt/client/obtain/token", async (context, call) =>
        {
            await Task.Delay(100, context.RequestAborted);
            await TestUpstream.Respond(context, 200, $$"""{"access_token":"tok-{{call}}","expires_in":60}""");
        });
        using var client = Client(
            _server, new UpstreamAuthOptions { ClientId = "dollr-id", ClientSecret = "dollr-secret" }, adapter: DollrLike);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.Http.GetAsync("invoices", Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var exchange = Assert.Single(_server.RequestsTo("/api/v1/jwt/client/obtain/token"));
        Assert.StartsWith("application/json", exchange.Header("Content-Type"), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(exchange.Body);
        Assert.Equal("dollr-id", body.RootElement.GetProperty("client_id").GetString());
        Assert.Equal("dollr-secret", body.RootElement.GetProperty("client_secret").GetString());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Send_WhenAuthIsOAuth2_PostsClientCredentialsFormToRelativeTokenUrl()
    {
        _server.On("/api/oauth/token", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"access_token":"tok-{{call}}","token_type":"Bearer","expires_in":3600}"""));
        using var client = Client(_server, new UpstreamAuthOptions
        {
            Type = "oauth2", ClientId = "app id", ClientSecret = "s3cr&t", TokenUrl = "oauth/token", Scope = "invoices.read",
        });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exchange = Assert.Single(_server.RequestsTo("/api/oauth/token"));
        Assert.Equal("POST", exchange.Method);
        var form = QueryHelpersParse(exchange.Body);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("app id", form["client_id"]);
        Assert.Equal("s3cr&t", form["client_secret"]);
        Assert.Equal("invoices.read", form["scope"]);
    }

    [Fact]
    public async Task Send_WhenOAuth2TokenUrlIsNotConfigured_UsesAdapterDefaultAbsoluteUrl()
    {
        await using var identity = await TestUpstream.StartAsync();
        identity.On("/connect/token", (context, _) =>
            TestUpstream.Respond(context, 200, """{"access_token":"tok-1","expires_in":3600}"""));
        _server.On("/api/invoices", (context, _) =>
            TestUpstream.Respond(context, context.Request.Headers.Authorization == "Bearer tok-1" ? 200 : 401));
        using var client = Client(
            _server,
            new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "secret" },
            adapter: new AuthDefaults { TokenUrl = new Uri(identity.Root, "connect/token").ToString() });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, identity.CountOf("/connect/token"));
    }

    [Fact]
    public async Task Send_WhenTokenNearsExpiry_RenewsItBeforehand()
    {
        var clock = new FakeTimeProvider(Start);
        _server.On("/api/oauth/token", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"access_token":"tok-{{call}}","expires_in":3600}"""));
        using var client = Client(
            _server, new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "secret", TokenUrl = "oauth/token" }, time: clock);

        (await client.Http.GetAsync("invoices", Ct)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(3000));
        (await client.Http.GetAsync("invoices", Ct)).Dispose();
        var afterFiftyMinutes = _server.CountOf("/api/oauth/token");

        // 300 s left of 3600 s: less than 10 % of the lifetime, so the token is renewed.
        clock.Advance(TimeSpan.FromSeconds(300));
        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(1, afterFiftyMinutes);
        Assert.Equal(2, _server.CountOf("/api/oauth/token"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer tok-2", _server.RequestsTo("/api/invoices")[^1].Header("Authorization"));
    }

    [Fact]
    public async Task Send_WhenGoScoreTokenNearsAbsoluteExpiry_RenewsIt()
    {
        var clock = new FakeTimeProvider(Start);
        _server.On("/api/auth", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"token":"tok-{{call}}","expire_at":"01-19-2021 22:58"}"""));
        using var client = Client(_server, new UpstreamAuthOptions { Type = "goscore", ClientId = "c", SecretKey = "s" }, time: clock);

        (await client.Http.GetAsync("invoices", Ct)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(50));
        (await client.Http.GetAsync("invoices", Ct)).Dispose();
        var afterFiftyMinutes = _server.CountOf("/api/auth");
        clock.Advance(TimeSpan.FromMinutes(5));
        (await client.Http.GetAsync("invoices", Ct)).Dispose();

        Assert.Equal(1, afterFiftyMinutes);
        Assert.Equal(2, _server.CountOf("/api/auth"));
    }

    [Fact]
    public async Task Send_WhenUpstreamAnswers401_RenewsTokenOnceAndSucceeds()
    {
        var issued = 0;
        _server.On("/api/oauth/token", (context, _) =>
            TestUpstream.Respond(context, 200, $$"""{"access_token":"tok-{{Interlocked.Increment(ref issued)}}","expires_in":3600}"""));
        _server.On("/api/invoices", (context, _) =>
            TestUpstream.Respond(context, context.Request.Headers.Authorization == "Bearer tok-2" ? 200 : 401));
        using var client = Client(_server, new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "s", TokenUrl = "oauth/token" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.CountOf("/api/oauth/token"));
        Assert.Equal(["Bearer tok-1", "Bearer tok-2"], _server.RequestsTo("/api/invoices").Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_WhenUpstreamKeepsAnswering401_RenewsOnceThenReturns401()
    {
        _server.On("/api/oauth/token", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"access_token":"tok-{{call}}","expires_in":3600}"""));
        _server.OnStatus("/api/invoices", 401);
        using var client = Client(_server, new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "s", TokenUrl = "oauth/token" });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, _server.CountOf("/api/oauth/token"));
        Assert.Equal(2, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Send_WhenManyConcurrentCallsGet401ForSameToken_RenewsTokenOnlyOnce()
    {
        var issued = 0;
        _server.On("/api/oauth/token", async (context, _) =>
        {
            await Task.Delay(50, context.RequestAborted);
            await TestUpstream.Respond(context, 200, $$"""{"access_token":"tok-{{Interlocked.Increment(ref issued)}}","expires_in":3600}""");
        });
        _server.On("/api/invoices", (context, _) =>
            TestUpstream.Respond(context, context.Request.Headers.Authorization == "Bearer tok-1" ? 401 : 200));
        using var client = Client(_server, new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "s", TokenUrl = "oauth/token" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.Http.GetAsync("invoices", Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, _server.CountOf("/api/oauth/token"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Send_WhenTokenEndpointRefuses_ThrowsUnauthorizedNamingEndpointButNoSecret()
    {
        _server.OnStatus("/api/auth", 401, """{"error":"bad secret-key-xyz"}""");
        using var client = Client(_server, new UpstreamAuthOptions { Type = "goscore", ClientId = "client-xyz", SecretKey = "secret-key-xyz" });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices", Ct));

        Assert.Equal(UpstreamErrorCodes.Unauthorized, error.Code);
        Assert.Equal("Source 'src' token exchange failed: HTTP 401 from POST /api/auth.", error.Message);
        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain("secret-key-xyz", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.CountOf("/api/invoices"));
        Assert.Equal(error.Message, client.LastError);
    }

    [Fact]
    public async Task Send_WhenTokenResponseLacksToken_ThrowsUnauthorizedWithoutEchoingBody()
    {
        _server.OnStatus("/api/oauth/token", 200, """{"accessToken":"leaked-token-value"}""");
        using var client = Client(_server, new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "s", TokenUrl = "oauth/token" });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices", Ct));

        Assert.Equal(UpstreamErrorCodes.Unauthorized, error.Code);
        Assert.Contains("has no token at 'access_token'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("leaked-token-value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_WhenUsedOnForeignRequest_FetchesTokenAndSetsBearer()
    {
        _server.On("/api/auth", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"token":"tok-{{call}}","expire_at":"01-19-2021 22:58"}"""));
        using var client = Client(
            _server, new UpstreamAuthOptions { Type = "goscore", ClientId = "c", SecretKey = "s" }, time: new FakeTimeProvider(Start));
        using var plain = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Root, "api/invoices"));

        await client.Credentials.ApplyAsync(request, Ct);
        using var response = await plain.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer tok-1", Assert.Single(_server.RequestsTo("/api/invoices")).Header("Authorization"));
    }

    [Fact]
    public async Task Invalidate_WhenCalled_NextApplyFetchesNewToken()
    {
        _server.On("/api/auth", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"token":"tok-{{call}}","expire_at":"01-19-2021 22:58"}"""));
        using var client = Client(
            _server, new UpstreamAuthOptions { Type = "goscore", ClientId = "c", SecretKey = "s" }, time: new FakeTimeProvider(Start));
        using var first = new HttpRequestMessage(HttpMethod.Get, _server.Root);
        using var second = new HttpRequestMessage(HttpMethod.Get, _server.Root);

        await client.Credentials.ApplyAsync(first, Ct);
        client.Credentials.Invalidate();
        await client.Credentials.ApplyAsync(second, Ct);

        Assert.Equal("Bearer tok-1", first.Headers.Authorization?.ToString());
        Assert.Equal("Bearer tok-2", second.Headers.Authorization?.ToString());
    }

    private static Dictionary<string, string> QueryHelpersParse(string form) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(form).ToDictionary(p => p.Key, p => p.Value.ToString());
}
