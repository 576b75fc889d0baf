using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Diagnostics;

public sealed class SecretHygieneTests : IAsyncLifetime
{
    private static readonly string[] Secrets = ["S3CRET-client-id", "S3CRET-secret-key", "S3CRET-token-1", "S3CRET-token-2", "S3CRET-password", "S3CRET-query"];

    private readonly CapturingLoggerProvider _logs = new();
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestUpstream.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task LogsAndErrors_AcrossTokenRenewalRetriesAndCircuit_NeverContainASecret()
    {
        _server.On("/api/auth", (context, call) =>
            TestUpstream.Respond(context, 200, $$"""{"token":"S3CRET-token-{{call}}","expire_at":"01-19-2021 22:58"}"""));
        _server.On("/api/invoices", (context, call) => TestUpstream.Respond(context, call == 1 ? 401 : 503));
        var errors = new List<Exception>();
        using var loggers = _logs.CreateFactory();
        using (var client = Client(
            _server,
            new UpstreamAuthOptions { Type = "goscore", ClientId = "S3CRET-client-id", SecretKey = "S3CRET-secret-key" },
            Fast with { MaxRetries = 2, CircuitMinimumThroughput = 2, CircuitBreakDuration = TimeSpan.FromSeconds(30) },
            time: new FakeTimeProvider(new DateTimeOffset(2021, 1, 19, 21, 58, 0, TimeSpan.Zero)),
            loggers: loggers))
        {
            using (var failed = await client.Http.GetAsync("invoices?key=S3CRET-query", Ct))
            {
                Assert.Equal(503, (int)failed.StatusCode);
            }

            errors.Add(await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices?key=S3CRET-query", Ct)));
            Assert.NotNull(client.LastError);
            AssertClean(client.LastError);
        }

        _server.OnStatus("/api/auth", 403, """{"echo":"S3CRET-secret-key"}""");
        using (var client = Client(
            _server, new UpstreamAuthOptions { Type = "goscore", ClientId = "S3CRET-client-id", SecretKey = "S3CRET-secret-key" }, loggers: loggers))
        {
            errors.Add(await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices", Ct)));
        }

        _server.On("/api/reset", (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        using (var client = Client(_server, new UpstreamAuthOptions { Type = "basic", Username = "u", Password = "S3CRET-password" }, loggers: loggers))
        {
            errors.Add(await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("reset?key=S3CRET-query", Ct)));
        }

        Assert.Equal(
            [UpstreamErrorCodes.CircuitOpen, UpstreamErrorCodes.Unauthorized, UpstreamErrorCodes.Unreachable],
            errors.Select(e => ((UpstreamException)e).Code));
        Assert.Contains(_logs.Lines, l => l.Contains("retrying", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.Contains("circuit opened", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.Contains("answered 401", StringComparison.Ordinal));
        Assert.All(_logs.Lines, AssertClean);
        Assert.All(errors, e => AssertClean(e.ToString()));
    }

    [Fact]
    public void ToString_OfAuthOptionsAndSource_ShowsWhichCredentialsAreSetButNotTheirValues()
    {
        var auth = new UpstreamAuthOptions
        {
            Type = "basic", Username = "S3CRET-client-id", Password = "S3CRET-password", Token = "S3CRET-token-1",
            ClientSecret = "S3CRET-secret-key",
        };
        var source = new UpstreamSource { Name = "s", BaseUrl = new Uri("https://example.test/"), Auth = auth };

        var text = source.ToString();

        Assert.Contains("Type = basic", text, StringComparison.Ordinal);
        Assert.Contains("Password = (set)", text, StringComparison.Ordinal);
        AssertClean(text);
    }

    private static void AssertClean(string? text)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text ?? string.Empty, StringComparison.Ordinal);
        }
    }
}
