using System.Net;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Follows redirects of <c>GET</c> and <c>HEAD</c> requests, but only within the source's own host and port
/// (or from http to https on the same host): the credentials applied below this handler must never reach
/// another host. A redirect elsewhere, or past <see cref="MaxRedirects"/>, is returned as is.
/// </summary>
internal sealed class SameHostRedirectHandler : DelegatingHandler
{
    public const int MaxRedirects = 5;

    private readonly string _source;
    private readonly ILogger _logger;

    public SameHostRedirectHandler(string source, ILogger logger)
    {
        _source = source;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = request;
        for (var hop = 0; ; hop++)
        {
            var response = await base.SendAsync(current, cancellationToken);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location
                || (current.Method != HttpMethod.Get && current.Method != HttpMethod.Head) || current.RequestUri is null)
            {
                return response;
            }

            var target = location.IsAbsoluteUri ? location : new Uri(current.RequestUri, location);
            if (!IsSameHost(current.RequestUri, target))
            {
                UpstreamLog.RedirectRefused(_logger, _source, (int)response.StatusCode);
                return response;
            }

            if (hop == MaxRedirects)
            {
                UpstreamLog.TooManyRedirects(_logger, _source, MaxRedirects);
                return response;
            }

            response.Dispose();
            current = Follow(current, target);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    internal static bool IsSameHost(Uri from, Uri to)
    {
        if (!string.Equals(from.IdnHost, to.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (from.Scheme == to.Scheme)
        {
            return from.Port == to.Port;
        }

        // An upgrade to https on the default ports; never a downgrade.
        return from.Scheme == Uri.UriSchemeHttp && to.Scheme == Uri.UriSchemeHttps && from.IsDefaultPort && to.IsDefaultPort;
    }

    private static HttpRequestMessage Follow(HttpRequestMessage previous, Uri target)
    {
        var next = new HttpRequestMessage(previous.Method, target)
        {
            Version = previous.Version,
            VersionPolicy = previous.VersionPolicy,
        };
        foreach (var header in previous.Headers)
        {
            next.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return next;
    }
}
