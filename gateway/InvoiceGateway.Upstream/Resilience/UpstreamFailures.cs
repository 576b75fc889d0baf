using System.Globalization;
using System.Net;
using System.Net.Sockets;
using InvoiceGateway.Contracts;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Turns what a call to a source can throw into <see cref="UpstreamException"/> with one of the
/// <see cref="UpstreamErrorCodes"/>, and describes failures in words that never carry a URL query, a
/// header or a body.
/// </summary>
internal static class UpstreamFailures
{
    /// <summary>The exception the caller sees, or <c>null</c> when <paramref name="exception"/> is not a source failure.</summary>
    public static UpstreamException? Map(string source, Exception exception) => exception switch
    {
        UpstreamException upstream => upstream,
        BrokenCircuitException broken => new UpstreamException(
            UpstreamErrorCodes.CircuitOpen,
            broken.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero
                ? $"Source '{source}' is failing; its circuit is open and calls resume in {Show(retryAfter)}."
                : $"Source '{source}' is failing; its circuit is open and calls are suspended for a while.",
            null,
            broken),
        TimeoutRejectedException timeout => new UpstreamException(
            UpstreamErrorCodes.Timeout, $"Source '{source}' did not answer within {Show(timeout.Timeout)}.", null, timeout),
        OperationCanceledException cancelled => new UpstreamException(
            UpstreamErrorCodes.Timeout, $"Source '{source}' did not answer in time.", null, cancelled),
        HttpRequestException or IOException => new UpstreamException(
            UpstreamErrorCodes.Unreachable, $"Source '{source}' could not be reached: {Reason(exception)}.", null, exception),
        _ => null,
    };

    /// <summary>The error code of an unsuccessful answer, as <see cref="UpstreamException.ThrowIfFailed"/> chooses it.</summary>
    public static string CodeFor(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => UpstreamErrorCodes.Unauthorized,
        429 => UpstreamErrorCodes.RateLimited,
        _ => UpstreamErrorCodes.Status,
    };

    /// <summary>What went wrong on the wire, e.g. "connection refused", in words (not the runtime's message).</summary>
    public static string Reason(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.ConnectionAborted => "connection aborted",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host name not found",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
                    _ => "socket error " + socket.SocketErrorCode.ToString(),
                };
            }
        }

        if (exception is HttpRequestException http)
        {
            return http.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "host name not found",
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.SecureConnectionError => "TLS handshake failed",
                HttpRequestError.ResponseEnded => "connection closed before the response ended",
                HttpRequestError.InvalidResponse => "invalid HTTP response",
                HttpRequestError.HttpProtocolError => "HTTP protocol error",
                HttpRequestError.ConfigurationLimitExceeded => "response headers too large",
                HttpRequestError.ProxyTunnelError => "proxy tunnel failed",
                _ => "request failed",
            };
        }

        return "connection closed";
    }

    /// <summary>The request's path for messages and logs; never its query, which could carry a credential.</summary>
    public static string PathOf(HttpRequestMessage request) => request.RequestUri switch
    {
        { IsAbsoluteUri: true } uri => uri.AbsolutePath,
        { } relative => relative.OriginalString.Split('?', '#')[0],
        null => "?",
    };

    /// <summary>A duration for people: "200 ms", "5 s", "1.5 s".</summary>
    public static string Show(TimeSpan value) => value < TimeSpan.FromSeconds(1)
        ? value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms"
        : value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
