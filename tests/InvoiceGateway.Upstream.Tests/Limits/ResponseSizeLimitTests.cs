using System.Net;
using System.Text;
using System.Text.Json;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Limits;

public sealed class ResponseSizeLimitTests : IAsyncLifetime
{
    private const long Limit = 1024;
    private const long Huge = 64L * 1024 * 1024;

    private readonly TaskCompletionSource<long> _served = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();
        _server.On("/api/huge-with-length", (context, _) => StreamJsonAsync(context, announceLength: true));
        _server.On("/api/huge-chunked", (context, _) => StreamJsonAsync(context, announceLength: false));
        _server.OnStatus("/api/exactly-limit", 200, "[" + new string(' ', (int)Limit - 2) + "]");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Get_WhenContentLengthExceedsLimit_ThrowsLimitExceededWithoutReadingBody()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });

        var error = await Assert.ThrowsAsync<UpstreamException>(
            () => client.Http.GetAsync("huge-with-length", HttpCompletionOption.ResponseHeadersRead, Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.Equal($"Source 'src' announced a body of {Huge} bytes, more than the limit of {Limit} bytes.", error.Message);
        Assert.True(await ServedBytesAsync() < Huge);
        Assert.Equal(1, _server.CountOf("/api/huge-with-length"));
        Assert.Equal(error.Message, client.LastError);
    }

    [Fact]
    public async Task ReadStream_WhenChunkedBodyExceedsLimit_ThrowsLimitExceededAndStopsTheTransfer()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });
        using var response = await client.Http.GetAsync("huge-chunked", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);

        var error = await Assert.ThrowsAsync<UpstreamException>(() => body.CopyToAsync(Stream.Null, Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
        Assert.Equal($"Source 'src' sent more than {Limit} bytes.", error.Message);
        Assert.Equal(error.Message, client.LastError);
        Assert.True(await ServedBytesAsync() < Huge);
    }

    [Fact]
    public async Task GetAsync_WhenBufferingChunkedBodyOverLimit_ThrowsLimitExceeded()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("huge-chunked", Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
    }

    [Fact]
    public async Task JsonDocumentParseAsync_WhenBodyExceedsLimit_SurfacesUpstreamExceptionUnwrapped()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });
        using var response = await client.Http.GetAsync("huge-chunked", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);

        var error = await Assert.ThrowsAsync<UpstreamException>(() => JsonDocument.ParseAsync(body, default, Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
    }

    [Fact]
    public async Task JsonSerializerDeserializeAsync_WhenBodyExceedsLimit_SurfacesUpstreamExceptionUnwrapped()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });
        using var response = await client.Http.GetAsync("huge-chunked", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);

        var error = await Assert.ThrowsAsync<UpstreamException>(
            async () => await JsonSerializer.DeserializeAsync<JsonElement>(body, cancellationToken: Ct));

        Assert.Equal(UpstreamErrorCodes.LimitExceeded, error.Code);
    }

    [Fact]
    public async Task GetString_WhenBodyIsExactlyTheLimit_ReadsIt()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });

        var body = await client.Http.GetStringAsync("exactly-limit", Ct);

        Assert.Equal(Limit, Encoding.UTF8.GetByteCount(body));
    }

    [Fact]
    public async Task Get_WhenBodyIsSmall_KeepsContentHeaders()
    {
        using var client = Client(_server, resilience: Fast with { MaxResponseBytes = Limit });

        using var response = await client.Http.GetAsync("exactly-limit", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Limit, response.Content.Headers.ContentLength);
    }

    // Streams a JSON array of 64 MiB in 64 KiB writes until the client goes away, and reports how much it got out.
    // The pause between writes gives Kestrel time to notice a client that hung up: writes after that are
    // silently dropped, so without it the loop could "write" everything in no time.
    private async Task StreamJsonAsync(HttpContext context, bool announceLength)
    {
        long written = 0;
        try
        {
            context.Response.ContentType = "application/json";
            if (announceLength)
            {
                context.Response.ContentLength = Huge;
            }

            var chunk = Encoding.ASCII.GetBytes("[" + new string(' ', 64 * 1024 - 1));
            var spaces = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            while (written < Huge && !context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(written == 0 ? chunk : spaces, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                written += chunk.Length;
                await Task.Delay(5, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client hung up: expected.
        }
        finally
        {
            _served.TrySetResult(written);
        }
    }

    private Task<long> ServedBytesAsync() => _served.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
}
