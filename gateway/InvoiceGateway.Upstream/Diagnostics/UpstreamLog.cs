using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Every log line of the upstream clients. Each names the source and what happened; none carries a
/// header, a token, a body or a URL with its query.
/// </summary>
internal static partial class UpstreamLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Source {Source}: {Method} {Path} attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms.")]
    public static partial void Retrying(ILogger logger, string source, string method, string path, int attempt, string reason, long delayMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Source {Source}: circuit opened after failures (last: {Reason}); calls fail fast for {BreakMs} ms.")]
    public static partial void CircuitOpened(ILogger logger, string source, string reason, long breakMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Source {Source}: circuit half-open; the next call is a trial.")]
    public static partial void CircuitHalfOpened(ILogger logger, string source);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Source {Source}: circuit closed; calls flow again.")]
    public static partial void CircuitClosed(ILogger logger, string source);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Source {Source}: obtained a token from {Endpoint}, expiring at {ExpiresAt}.")]
    public static partial void TokenObtained(ILogger logger, string source, string endpoint, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Source {Source}: the token from {Endpoint} has an expiry at {ExpiryPath} that could not be read; it is renewed after a 401 only.")]
    public static partial void TokenExpiryUnreadable(ILogger logger, string source, string endpoint, string expiryPath);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Source {Source}: the token from {Endpoint} is already expired by this machine's clock; it is renewed after a 401 only.")]
    public static partial void TokenAlreadyExpired(ILogger logger, string source, string endpoint);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "Source {Source}: early token renewal failed ({Code}); the current token stays in use until it expires.")]
    public static partial void TokenRenewalFailed(ILogger logger, string source, string code);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Source {Source}: {Method} {Path} answered 401; renewing the token and sending once more.")]
    public static partial void RenewingAfterUnauthorized(ILogger logger, string source, string method, string path);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "Source {Source}: HTTP {Status} redirects to another host; not followed, so that credentials stay with the source.")]
    public static partial void RedirectRefused(ILogger logger, string source, int status);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Source {Source}: more than {MaxRedirects} redirects; the last one is returned.")]
    public static partial void TooManyRedirects(ILogger logger, string source, int maxRedirects);
}
