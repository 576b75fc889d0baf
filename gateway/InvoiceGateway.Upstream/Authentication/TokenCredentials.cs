using System.Net.Http.Headers;
using InvoiceGateway.Contracts;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream;

/// <summary>
/// A bearer token from a token exchange (<c>goscore</c>, <c>oauth2</c>, <c>token</c>): cached per source,
/// renewed ahead of expiry by one caller while the others wait for it (single flight).
/// </summary>
internal sealed class TokenCredentials : ISourceCredentials, IDisposable
{
    private readonly TokenEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _source;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private AccessToken? _current;

    public TokenCredentials(string source, TokenEndpoint endpoint, TimeProvider time, ILogger logger)
    {
        _source = source;
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
    }

    public async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        await ApplyTrackedAsync(request, cancellationToken);

    /// <summary>Applies the token and returns it, so that a 401 can invalidate exactly that token.</summary>
    public async ValueTask<AccessToken> ApplyTrackedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await GetAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return token;
    }

    public void Invalidate() => Volatile.Write(ref _current, null);

    /// <summary>
    /// Drops <paramref name="rejected"/> if it is still the cached token. Fifty calls that all got a 401 for
    /// the same token so cause one renewal, not fifty.
    /// </summary>
    public void Invalidate(AccessToken rejected) => Interlocked.CompareExchange(ref _current, null, rejected);

    public void Dispose() => _renewal.Dispose();

    private async ValueTask<AccessToken> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && !current.NeedsRenewal(_time.GetUtcNow()))
        {
            return current;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            current = Volatile.Read(ref _current);
            if (current is not null && !current.NeedsRenewal(_time.GetUtcNow()))
            {
                return current;
            }

            AccessToken fresh;
            try
            {
                fresh = await _endpoint.RequestAsync(cancellationToken);
            }
            catch (UpstreamException ex) when (current is not null && current.IsUsable(_time.GetUtcNow()))
            {
                // Early renewal failed but the old token has not expired yet: keep using it.
                UpstreamLog.TokenRenewalFailed(_logger, _source, ex.Code);
                return current;
            }

            Volatile.Write(ref _current, fresh);
            return fresh;
        }
        finally
        {
            _renewal.Release();
        }
    }
}
