using System.Net;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Resilience;

public sealed class CircuitBreakerTests : IAsyncLifetime
{
    private TestUpstream _server = null!;
    private volatile bool _healthy;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();
        _server.On("/api/invoices", (context, _) => TestUpstream.Respond(context, _healthy ? 200 : 500, "[]"));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Get_WhenUpstreamAnswers500s_OpensCircuitAndStopsCallingItThenClosesAfterRecovery()
    {
        var breakDuration = TimeSpan.FromSeconds(2);
        using var client = Client(_server, resilience: Fast with
        {
            MaxRetries = 0,
            CircuitMinimumThroughput = 3,
            CircuitFailureRatio = 0.5,
            CircuitBreakDuration = breakDuration,
        });

        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.Http.GetAsync("invoices", Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        Assert.Equal(CircuitState.Open, client.Circuit);
        for (var i = 0; i < 5; i++)
        {
            var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices", Ct));
            Assert.Equal(UpstreamErrorCodes.CircuitOpen, error.Code);
        }

        Assert.Equal(3, _server.CountOf("/api/invoices"));
        Assert.StartsWith("Source 'src' is failing; its circuit is open", client.LastError, StringComparison.Ordinal);

        _healthy = true;
        await Task.Delay(breakDuration + TimeSpan.FromMilliseconds(300), Ct);
        using var recovered = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(CircuitState.Closed, client.Circuit);
        Assert.Equal(4, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Get_WhenTrialCallFailsAfterBreak_ReopensCircuit()
    {
        var breakDuration = TimeSpan.FromMilliseconds(500);
        using var client = Client(_server, resilience: Fast with
        {
            MaxRetries = 0,
            CircuitMinimumThroughput = 2,
            CircuitBreakDuration = breakDuration,
        });
        (await client.Http.GetAsync("invoices", Ct)).Dispose();
        (await client.Http.GetAsync("invoices", Ct)).Dispose();
        Assert.Equal(CircuitState.Open, client.Circuit);

        await Task.Delay(breakDuration + TimeSpan.FromMilliseconds(300), Ct);
        using var trial = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, trial.StatusCode);
        Assert.Equal(CircuitState.Open, client.Circuit);
        Assert.Equal(3, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Get_WhenCircuitOpensDuringRetries_StopsRetryingAndReturnsLastAnswer()
    {
        using var client = Client(_server, resilience: Fast with
        {
            MaxRetries = 5,
            CircuitMinimumThroughput = 2,
            CircuitBreakDuration = TimeSpan.FromSeconds(30),
        });

        using var response = await client.Http.GetAsync("invoices", Ct);
        var next = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(UpstreamErrorCodes.CircuitOpen, next.Code);
        Assert.Equal(2, _server.CountOf("/api/invoices"));
        Assert.Equal(CircuitState.Open, client.Circuit);
    }

    [Fact]
    public void Circuit_WhenNoCallWasMade_IsClosed()
    {
        using var client = Client(_server);

        Assert.Equal(CircuitState.Closed, client.Circuit);
        Assert.Null(client.LastSuccess);
        Assert.Null(client.LastError);
    }
}
