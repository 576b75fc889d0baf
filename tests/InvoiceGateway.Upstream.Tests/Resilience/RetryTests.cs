using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Resilience;

public sealed class RetryTests : IAsyncLifetime
{
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestUpstream.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Get_When429WithRetryAfterOneSecond_WaitsAtLeastThatBeforeRetrying()
    {
        _server.On("/api/invoices", (context, call) =>
        {
            if (call == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return TestUpstream.Respond(context, 429);
            }

            return TestUpstream.Respond(context, 200, "[]");
        });
        using var client = Client(_server);

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requests = _server.RequestsTo("/api/invoices");
        Assert.Equal(2, requests.Count);
        Assert.True(Stopwatch.GetElapsedTime(requests[0].Timestamp, requests[1].Timestamp) >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task Get_When503WithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        _server.On("/api/invoices", (context, call) =>
        {
            if (call == 1)
            {
                context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r", CultureInfo.InvariantCulture);
                return TestUpstream.Respond(context, 503);
            }

            return TestUpstream.Respond(context, 200, "[]");
        });
        using var client = Client(_server);

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requests = _server.RequestsTo("/api/invoices");
        Assert.Equal(2, requests.Count);
        Assert.True(Stopwatch.GetElapsedTime(requests[0].Timestamp, requests[1].Timestamp) >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task Get_WhenRetryAfterExceedsMaxRetryAfter_ReturnsTheAnswerWithoutRetrying()
    {
        _server.On("/api/invoices", (context, _) =>
        {
            context.Response.Headers.RetryAfter = "120";
            return TestUpstream.Respond(context, 429);
        });
        using var client = Client(_server, resilience: Fast with { MaxRetryAfter = TimeSpan.FromSeconds(30) });

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Get_WhenUpstreamAnswers503ThenRecovers_RetriesAndReturnsSuccess()
    {
        _server.On("/api/invoices", (context, call) => TestUpstream.Respond(context, call == 1 ? 503 : 200, "[]"));
        using var client = Client(_server);

        using var response = await client.Http.GetAsync("invoices", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.CountOf("/api/invoices"));
        Assert.NotNull(client.LastSuccess);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Get_WhenUpstreamKeepsFailingTransiently_RetriesMaxRetriesTimesThenReturnsLastAnswer(int status)
    {
        _server.OnStatus("/api/invoices", status);
        using var client = Client(_server, resilience: Fast with { MaxRetries = 2 });

        using var response = await client.Http.GetAsync("invoices?page=1&token=query-secret", Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(3, _server.CountOf("/api/invoices"));
        Assert.Equal($"Source 'src' answered HTTP {status} to GET /api/invoices.", client.LastError);
    }

    [Fact]
    public async Task Get_WhenUpstreamAnswers404_ReturnsItWithoutRetryingAndCountsAsAnswer()
    {
        _server.OnStatus("/api/invoices/42", 404);
        using var client = Client(_server);

        using var response = await client.Http.GetAsync("invoices/42", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, _server.CountOf("/api/invoices/42"));
        Assert.NotNull(client.LastSuccess);
        Assert.Null(client.LastError);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task UnsafeMethod_WhenUpstreamAnswers503_IsNeverRetried(string method)
    {
        _server.OnStatus("/api/invoices", 503);
        using var client = Client(_server);

        using var request = new HttpRequestMessage(new HttpMethod(method), "invoices") { Content = new StringContent("{}") };
        using var response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _server.CountOf("/api/invoices"));
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task SafeMethod_WhenUpstreamAnswers503ThenRecovers_IsRetried(string method)
    {
        _server.On("/api/invoices", (context, call) => TestUpstream.Respond(context, call == 1 ? 503 : 200));
        using var client = Client(_server);

        using var request = new HttpRequestMessage(new HttpMethod(method), "invoices");
        using var response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Post_WhenConnectionIsReset_IsNeverRetriedAndThrowsUnreachable()
    {
        _server.On("/api/invoices", (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        using var client = Client(_server);

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.PostAsync("invoices", new StringContent("{}"), Ct));

        Assert.Equal(UpstreamErrorCodes.Unreachable, error.Code);
        Assert.Equal(1, _server.CountOf("/api/invoices"));
    }

    [Fact]
    public async Task Get_WhenConnectionIsReset_RetriesThenThrowsUnreachableWithoutQuery()
    {
        _server.On("/api/invoices", (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        using var client = Client(_server, resilience: Fast with { MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices?api_key=query-secret", Ct));

        Assert.Equal(UpstreamErrorCodes.Unreachable, error.Code);
        Assert.StartsWith("Source 'src' could not be reached: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("query-secret", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.CountOf("/api/invoices"));
        Assert.Equal(error.Message, client.LastError);
    }

    [Fact]
    public async Task Get_WhenNothingListens_ThrowsUnreachable()
    {
        // A bound socket that does not listen: its port is taken, and connecting to it is refused.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        using var client = new UpstreamClientFactory(TimeProvider.System, NullLoggerFactory.Instance).Create(new UpstreamSource
        {
            Name = "gone",
            BaseUrl = new Uri($"http://127.0.0.1:{port}/api"),
            Resilience = Fast with { MaxRetries = 1 },
        });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("invoices", Ct));

        Assert.Equal(UpstreamErrorCodes.Unreachable, error.Code);
        Assert.Equal("Source 'gone' could not be reached: connection refused.", error.Message);
    }
}
