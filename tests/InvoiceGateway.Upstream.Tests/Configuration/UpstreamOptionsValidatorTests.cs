using InvoiceGateway.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace InvoiceGateway.Upstream.Tests.Configuration;

public sealed class UpstreamOptionsValidatorTests
{
    private static readonly UpstreamResilienceOptions Defaults = new();

    public static TheoryData<UpstreamAuthOptions, AuthDefaults?> ValidAuth => new()
    {
        { new UpstreamAuthOptions(), null },
        { new UpstreamAuthOptions { Type = "none" }, null },
        { new UpstreamAuthOptions { Type = "basic", Username = "u", Password = "p" }, null },
        { new UpstreamAuthOptions { Type = "BEARER", Token = "t" }, null },
        { new UpstreamAuthOptions { Type = "apikey", Token = "t" }, new AuthDefaults { HeaderName = "X-Key" } },
        { new UpstreamAuthOptions { Type = "goscore", ClientId = "c", SecretKey = "s" }, null },
        { new UpstreamAuthOptions { Type = "oauth2", ClientId = "c", ClientSecret = "s", TokenUrl = "https://id.example/token" }, null },
        { new UpstreamAuthOptions { Type = "oauth2", ClientId = "c", ClientSecret = "s" }, new AuthDefaults { TokenUrl = "oauth/token" } },
        {
            new UpstreamAuthOptions { ClientId = "c", ClientSecret = "s" },
            new AuthDefaults { Type = "token", TokenExchange = new TokenExchange { Path = "token", BodyFormat = TokenBodyFormat.Json, Body = new Dictionary<string, string> { ["id"] = "{ClientId}", ["secret"] = "{ClientSecret}" } } }
        },
    };

    [Theory]
    [MemberData(nameof(ValidAuth))]
    public void Validate_WhenAuthHasWhatItsTypeNeeds_ReturnsNoProblems(UpstreamAuthOptions auth, AuthDefaults? adapter)
    {
        Assert.Empty(UpstreamOptionsValidator.Validate("s", auth, Defaults, adapter));
    }

    [Fact]
    public void Validate_WhenGoScoreLacksClientId_NamesTheKeyPath()
    {
        var problems = UpstreamOptionsValidator.Validate("goscore", new UpstreamAuthOptions { Type = "goscore", SecretKey = "s" }, Defaults, null);

        Assert.Equal(["Gateway:Sources:goscore:Auth:ClientId is required for Auth:Type 'goscore'."], problems);
    }

    [Fact]
    public void Validate_WhenManyThingsAreWrong_ListsEveryProblemAtOnce()
    {
        var auth = new UpstreamAuthOptions { Type = "oauth2", ClientSecret = "very-secret-value" };
        var resilience = new UpstreamResilienceOptions
        {
            AttemptTimeout = TimeSpan.Zero,
            MaxRetries = -1,
            CircuitFailureRatio = 1.5,
            CircuitMinimumThroughput = 1,
            CircuitBreakDuration = TimeSpan.FromMilliseconds(100),
            MaxResponseBytes = 0,
        };

        var problems = UpstreamOptionsValidator.Validate("sc", auth, resilience, null);

        Assert.Equal(
            [
                "Gateway:Sources:sc:Auth:ClientId is required for Auth:Type 'oauth2'.",
                "Gateway:Sources:sc:Auth:TokenUrl is required for Auth:Type 'oauth2' (the adapter gives no default).",
                "Gateway:Sources:sc:Resilience:AttemptTimeout must be between 10 ms and 24 hours (is 00:00:00).",
                "Gateway:Sources:sc:Resilience:MaxRetries must be between 0 and 10 (is -1).",
                "Gateway:Sources:sc:Resilience:CircuitFailureRatio must be greater than 0 and at most 1 (is 1.5).",
                "Gateway:Sources:sc:Resilience:CircuitMinimumThroughput must be at least 2 (is 1).",
                "Gateway:Sources:sc:Resilience:CircuitBreakDuration must be between 500 ms and 24 hours (is 00:00:00.1000000).",
                "Gateway:Sources:sc:Resilience:MaxResponseBytes must be greater than 0 (is 0).",
            ],
            problems);
    }

    [Fact]
    public void Validate_WhenTypeIsUnknown_SaysWhichTypesExist()
    {
        var problems = UpstreamOptionsValidator.Validate("x", new UpstreamAuthOptions { Type = "kerberos" }, Defaults, null);

        Assert.Equal(["Gateway:Sources:x:Auth:Type 'kerberos' is not supported; use one of none, basic, bearer, apikey, goscore, oauth2, token."], problems);
    }

    [Fact]
    public void Validate_WhenTokenTypeButAdapterHasNoExchange_SaysSo()
    {
        var problems = UpstreamOptionsValidator.Validate("x", new UpstreamAuthOptions { Type = "token", ClientId = "c", ClientSecret = "s" }, Defaults, null);

        Assert.Equal(["Gateway:Sources:x:Auth:Type 'token' needs a token exchange, but the adapter of source 'x' describes none."], problems);
    }

    [Fact]
    public void Validate_WhenExchangeUsesOtherPlaceholders_RequiresExactlyThose()
    {
        var adapter = new AuthDefaults
        {
            Type = "token",
            TokenExchange = new TokenExchange { Path = "login", Headers = new Dictionary<string, string> { ["X-User"] = "{Username}", ["X-Key"] = "{SecretKey}" } },
        };

        var problems = UpstreamOptionsValidator.Validate("x", new UpstreamAuthOptions(), Defaults, adapter);

        Assert.Equal(
            [
                "Gateway:Sources:x:Auth:Username is required for Auth:Type 'token'.",
                "Gateway:Sources:x:Auth:SecretKey is required for Auth:Type 'token'.",
            ],
            problems);
    }

    [Fact]
    public void Validate_WhenTotalTimeoutIsShorterThanAttemptTimeout_ReportsIt()
    {
        var resilience = new UpstreamResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(5) };

        var problems = UpstreamOptionsValidator.Validate("x", new UpstreamAuthOptions(), resilience, null);

        Assert.Equal(
            ["Gateway:Sources:x:Resilience:TotalTimeout (00:00:05) must not be shorter than Gateway:Sources:x:Resilience:AttemptTimeout (00:00:10)."],
            problems);
    }

    [Fact]
    public void Validate_WhenCredentialsAreMalformed_NeverEchoesTheirValues()
    {
        var auth = new UpstreamAuthOptions
        {
            Type = "basic",
            Username = "user:with-colon-SECRET1",
            Password = "pass\r\nSECRET2",
            Token = "tok\nSECRET3",
            ClientSecret = "cs\rSECRET4",
            HeaderName = "bad header SECRET5",
        };

        var problems = UpstreamOptionsValidator.Validate("x", auth, Defaults, null);

        Assert.Equal(
            [
                "Gateway:Sources:x:Auth:Password must not contain line breaks.",
                "Gateway:Sources:x:Auth:Token must not contain line breaks.",
                "Gateway:Sources:x:Auth:ClientSecret must not contain line breaks.",
                "Gateway:Sources:x:Auth:Username must not contain ':' for Auth:Type 'basic'.",
            ],
            problems);
        Assert.DoesNotContain(problems, p => p.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WhenApiKeyHeaderNameIsInvalid_ReportsItWithoutValue()
    {
        var problems = UpstreamOptionsValidator.Validate(
            "x", new UpstreamAuthOptions { Type = "apikey", Token = "t", HeaderName = "X Key:" }, Defaults, null);

        Assert.Equal(["Gateway:Sources:x:Auth:HeaderName is not a valid HTTP header name."], problems);
    }

    [Fact]
    public void Bind_FromConfiguration_ReadsEveryKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Sources:s:Auth:Type"] = "oauth2",
            ["Gateway:Sources:s:Auth:ClientId"] = "id",
            ["Gateway:Sources:s:Auth:ClientSecret"] = "secret",
            ["Gateway:Sources:s:Auth:TokenUrl"] = "oauth/token",
            ["Gateway:Sources:s:Auth:Scope"] = "read",
            ["Gateway:Sources:s:Resilience:AttemptTimeout"] = "00:00:02",
            ["Gateway:Sources:s:Resilience:MaxRetries"] = "4",
            ["Gateway:Sources:s:Resilience:CircuitFailureRatio"] = "0.25",
            ["Gateway:Sources:s:Resilience:MaxResponseBytes"] = "1048576",
        }).Build();

        var auth = configuration.GetSection("Gateway:Sources:s:Auth").Get<UpstreamAuthOptions>()!;
        var resilience = configuration.GetSection("Gateway:Sources:s:Resilience").Get<UpstreamResilienceOptions>()!;

        Assert.Equal(new UpstreamAuthOptions { Type = "oauth2", ClientId = "id", ClientSecret = "secret", TokenUrl = "oauth/token", Scope = "read" }, auth);
        Assert.Equal(
            new UpstreamResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(2), MaxRetries = 4, CircuitFailureRatio = 0.25, MaxResponseBytes = 1048576 },
            resilience);
        Assert.Empty(UpstreamOptionsValidator.Validate("s", auth, resilience, null));
    }

    [Fact]
    public void Create_WhenSettingsAreInvalid_ThrowsListingEveryProblem()
    {
        var factory = new UpstreamClientFactory(TimeProvider.System, NullLoggerFactory.Instance);
        var source = new UpstreamSource
        {
            Name = "bad",
            BaseUrl = new Uri("https://example.test/api"),
            Auth = new UpstreamAuthOptions { Type = "basic", Password = "hunter2" },
            Resilience = new UpstreamResilienceOptions { MaxResponseBytes = -1 },
        };

        var error = Assert.Throws<ArgumentException>(() => factory.Create(source));

        Assert.Contains("Gateway:Sources:bad:Auth:Username is required for Auth:Type 'basic'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Sources:bad:Resilience:MaxResponseBytes must be greater than 0 (is -1).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
