using System.Globalization;
using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>A fixed window of requests per key: beyond it a 429 problem with Retry-After, for that key only.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Request_WhenKeyExceedsItsPermitLimit_Is429ProblemWithRetryAfter_AndOtherKeysAreUnaffected()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox,
            ("Gateway:RateLimit:PermitLimit", "5"),
            ("Gateway:RateLimit:Window", "00:10:00")));

        for (var i = 0; i < 5; i++)
        {
            using var allowed = await gateway.Client.GetWithKeyAsync(i % 2 == 0 ? "v1/sources" : "v1/invoices?limit=1", TestKeys.Reader);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var sixth = await gateway.Client.GetWithKeyAsync("v1/sources", TestKeys.Reader);
        var problem = await sixth.ReadProblemAsync();
        using var otherKey = await gateway.Client.GetWithKeyAsync("v1/sources", TestKeys.Billing);
        using var seventh = await gateway.Client.GetWithKeyAsync("v1/invoices/goscore:8599002184", TestKeys.Reader);
        using var health = await gateway.Client.GetAsync("health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        var retryAfter = int.Parse(sixth.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.Contains("5 requests", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, seventh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Request_WhenRejectedWith401_DoesNotUseUpTheKeysPermits()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox,
            ("Gateway:RateLimit:PermitLimit", "3"),
            ("Gateway:RateLimit:Window", "00:10:00")));

        for (var i = 0; i < 10; i++)
        {
            using var wrong = await gateway.Client.GetWithKeyAsync("v1/sources", "not-the-reader-key-but-long");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var first = await gateway.Client.GetWithKeyAsync("v1/sources", TestKeys.Reader);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Fact]
    public async Task Request_InAnySpellingOfItsPath_CountsAgainstTheKeysPermits()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox,
            ("Gateway:RateLimit:PermitLimit", "3"),
            ("Gateway:RateLimit:Window", "00:10:00")));
        (string, string)[] reader = [("X-Api-Key", TestKeys.Reader)];

        Assert.Equal(200, (await RawHttp.SendAsync(gateway.Address, "GET", "/V1/sources", reader)).Status);
        Assert.Equal(200, (await RawHttp.SendAsync(gateway.Address, "GET", "/%561/invoices?limit=1", reader)).Status);
        Assert.Equal(200, (await RawHttp.SendAsync(gateway.Address, "GET", "/v1/Sources/", reader)).Status);
        var fourth = await RawHttp.SendAsync(gateway.Address, "GET", "/V1/INVOICES?limit=1", reader);

        Assert.Equal(429, fourth.Status);
        Assert.True(fourth.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task InvalidKeys_BeyondTheFailedKeyLimit_Are429WithRetryAfter_EvenWhenTheNextKeyIsRight()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        // Without the background sync, whose reads would be upstream requests no caller made.
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox,
            SandboxConfig.WithoutSync,
            ("Gateway:RateLimit:FailedKeyLimit", "3"),
            ("Gateway:RateLimit:FailedKeyWindow", "00:10:00")));

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await gateway.Client.GetWithKeyAsync("v1/sources", $"guess-{i}-of-a-key-long-enough");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var throttled = await gateway.Client.GetWithKeyAsync("v1/invoices", "guess-4-of-a-key-long-enough");
        var problem = await throttled.ReadProblemAsync();
        using var right = await gateway.Client.GetWithKeyAsync("v1/sources", TestKeys.Reader);
        using var health = await gateway.Client.GetAsync("health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.Contains("invalid API keys", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode); // refused before the key is compared
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.All(sandbox.Requests.Snapshot().Values, count => Assert.Equal(0, count));
    }
}
