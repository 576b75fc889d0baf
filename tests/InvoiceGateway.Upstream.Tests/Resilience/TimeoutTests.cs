using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Resilience;

public sealed class TimeoutTests : IAsyncLifetime
{
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();
        _server.On("/api/slow", async (context, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            await TestUpstream.Respond(context, 200);
        });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Get_WhenEveryAttemptTimesOut_RetriesThenThrowsTimeout()
    {
        using var client = Client(_server, resilience: Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(500), MaxRetries = 1 });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("slow", Ct));

        Assert.Equal(UpstreamErrorCodes.Timeout, error.Code);
        Assert.Equal("Source 'src' did not answer within 500 ms.", error.Message);
        Assert.Equal(2, _server.CountOf("/api/slow"));
    }

    [Fact]
    public async Task Get_WhenTotalTimeoutElapsesDuringRetries_ThrowsTimeoutOfTotal()
    {
        using var client = Client(_server, resilience: Fast with
        {
            AttemptTimeout = TimeSpan.FromMilliseconds(300),
            TotalTimeout = TimeSpan.FromMilliseconds(500),
            MaxRetries = 5,
        });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("slow", Ct));

        Assert.Equal(UpstreamErrorCodes.Timeout, error.Code);
        Assert.Equal("Source 'src' did not answer within 500 ms.", error.Message);
    }

    [Fact]
    public async Task Get_WhenCallerCancels_ThrowsOperationCanceledNotUpstreamException()
    {
        using var client = Client(_server);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Http.GetAsync("slow", cancel.Token));

        Assert.IsNotType<UpstreamException>(error.InnerException);
        Assert.Null(client.LastError);
    }
}
