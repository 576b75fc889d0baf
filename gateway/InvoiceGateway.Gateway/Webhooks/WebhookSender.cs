using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StandardWebhooks;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>
/// Sends one attempt of a delivery as Standard Webhooks says: a POST of the event JSON with
/// <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c> (signed by the StandardWebhooks
/// package). Redirects are not followed and no proxy is used; the connection is made only to an address
/// checked at that moment (DNS may have changed since registration), unless insecure addresses are allowed.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    /// <summary>A 2xx within this time is a success (SPEC section 8).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private const int MaxErrorLength = 300;

    private readonly HttpClient _client;
    private readonly WebhookSettings _settings;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = Timeout,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("InvoiceGateway-Webhooks/1");
    }

    public async Task<AttemptOutcome> SendAsync(Uri url, string secret, string messageId, string payload, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (WebhookAddresses.CheckShape(url.OriginalString, _settings.AllowInsecure, out _) is { } shape)
        {
            return new AttemptOutcome(null, "refused: " + shape, 0);
        }

        var timestamp = _time.GetUtcNow();
        var signature = new StandardWebhook(secret).Sign(messageId, timestamp, payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);

        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var error = status is >= 200 and < 300 ? null
                : status is >= 300 and < 400 ? $"answered {status} (redirects are not followed)"
                : $"answered {status}";
            return new AttemptOutcome(status, error, Elapsed(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(null, $"no answer within {Timeout.TotalSeconds:0} s", Elapsed(started));
        }
        catch (HttpRequestException ex)
        {
            return new AttemptOutcome(null, Describe(ex), Elapsed(started));
        }
    }

    public void Dispose() => _client.Dispose();

    private int Elapsed(long started) => (int)Math.Min(int.MaxValue, _time.GetElapsedTime(started).TotalMilliseconds);

    private static string Describe(HttpRequestException ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is AddressRefusedException refused)
            {
                return "refused: " + refused.Message;
            }
        }

        var reason = ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the host does not resolve",
            HttpRequestError.ConnectionError => "the connection failed",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed",
            _ => "the request failed",
        };
        var detail = ex.InnerException?.Message ?? ex.Message;
        var text = $"{reason}: {detail}";
        return text.Length > MaxErrorLength ? text[..MaxErrorLength] : text;
    }

    /// <summary>Resolves the host now and connects only to an address that is allowed: DNS answers at registration prove nothing later.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await WebhookAddresses.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (!_settings.AllowInsecure && WebhookAddresses.Refusal(host, addresses) is { } refusal)
        {
            throw new AddressRefusedException(refusal);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class AddressRefusedException(string message) : Exception(message);
}

/// <summary>What one attempt came to: a 2xx status is a success.</summary>
internal sealed record AttemptOutcome(int? StatusCode, string? Error, int DurationMs)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
