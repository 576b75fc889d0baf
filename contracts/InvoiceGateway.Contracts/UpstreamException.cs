namespace InvoiceGateway.Contracts;

/// <summary>
/// An upstream failed or sent something unusable. The message names the source and what was wrong
/// (for a payload, where), and never contains a credential.
/// </summary>
public sealed class UpstreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">One of the <see cref="UpstreamErrorCodes"/>.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="statusCode">The upstream's HTTP status, when it answered.</param>
    /// <param name="innerException">The cause.</param>
    public UpstreamException(string code, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        StatusCode = statusCode;
    }

    /// <summary>Creates an <see cref="UpstreamErrorCodes.Payload"/> error.</summary>
    public UpstreamException()
        : this(UpstreamErrorCodes.Payload, "The upstream failed.")
    {
    }

    /// <summary>Creates an <see cref="UpstreamErrorCodes.Payload"/> error.</summary>
    /// <param name="message">What went wrong.</param>
    public UpstreamException(string message)
        : this(UpstreamErrorCodes.Payload, message)
    {
    }

    /// <summary>Creates an <see cref="UpstreamErrorCodes.Payload"/> error.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public UpstreamException(string message, Exception innerException)
        : this(UpstreamErrorCodes.Payload, message, null, innerException)
    {
    }

    /// <summary>One of the <see cref="UpstreamErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The upstream's HTTP status, when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>
    /// Throws unless the response is a success. The message names the source, the status and the
    /// request path (never its query, which could carry a credential).
    /// </summary>
    /// <param name="source">The source name.</param>
    /// <param name="response">The upstream's response.</param>
    public static void ThrowIfFailed(string source, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var code = status switch
        {
            401 or 403 => UpstreamErrorCodes.Unauthorized,
            429 => UpstreamErrorCodes.RateLimited,
            _ => UpstreamErrorCodes.Status,
        };
        var path = response.RequestMessage?.RequestUri?.AbsolutePath ?? "?";
        throw new UpstreamException(code, $"Source '{source}' answered HTTP {status} to GET {path}.", status);
    }
}

/// <summary>The error codes of <see cref="UpstreamException"/>, also reported per source by the gateway.</summary>
public static class UpstreamErrorCodes
{
    /// <summary>The upstream answered with an unsuccessful HTTP status.</summary>
    public const string Status = "upstream_status";

    /// <summary>The upstream refused the credentials.</summary>
    public const string Unauthorized = "upstream_unauthorized";

    /// <summary>The upstream asked us to slow down.</summary>
    public const string RateLimited = "upstream_rate_limited";

    /// <summary>The upstream's body was not valid JSON or not of the documented shape.</summary>
    public const string Payload = "upstream_payload";

    /// <summary>The upstream sent more than the configured limits allow.</summary>
    public const string LimitExceeded = "upstream_limit_exceeded";

    /// <summary>The upstream could not be reached or closed the connection.</summary>
    public const string Unreachable = "upstream_unreachable";

    /// <summary>The upstream did not answer in time.</summary>
    public const string Timeout = "upstream_timeout";

    /// <summary>The source's circuit is open: calls are not being made for a while.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>The upstream reports a failure in its own body (e.g. GoScore <c>status: error</c>).</summary>
    public const string SourceFailed = "upstream_failed";
}
