using System.Net;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Applies the source's credentials to each request. On a 401 to a token-authenticated request, drops
/// that token, fetches a new one and sends the request once more; a second 401 is returned as is.
/// </summary>
internal sealed class AuthenticationHandler : DelegatingHandler
{
    private readonly string _source;
    private readonly ISourceCredentials _credentials;
    private readonly ILogger _logger;

    public AuthenticationHandler(string source, ISourceCredentials credentials, ILogger logger)
    {
        _source = source;
        _credentials = credentials;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_credentials is not TokenCredentials tokens)
        {
            await _credentials.ApplyAsync(request, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }

        var used = await tokens.ApplyTrackedAsync(request, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !CanResend(request))
        {
            return response;
        }

        UpstreamLog.RenewingAfterUnauthorized(_logger, _source, request.Method.Method, UpstreamFailures.PathOf(request));
        tokens.Invalidate(used);
        response.Dispose();
        await tokens.ApplyTrackedAsync(request, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    // A streamed body cannot be sent twice; buffered bodies (string, bytes, form) and no body can.
    private static bool CanResend(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReadOnlyMemoryContent;
}
