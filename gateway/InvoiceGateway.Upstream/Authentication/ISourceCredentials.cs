namespace InvoiceGateway.Upstream;

/// <summary>
/// A source's credentials, applicable to any request bound for the source: the client's own requests
/// and the gateway's YARP passthrough alike.
/// </summary>
public interface ISourceCredentials
{
    /// <summary>
    /// Sets the source's credential header on the request, replacing one it already carries. For
    /// token-based auth, fetches a token first when none is cached or the cached one is about to expire.
    /// </summary>
    /// <param name="request">The request bound for the source.</param>
    /// <param name="cancellationToken">Cancelled when the caller gives up.</param>
    /// <returns>A task that completes when the request carries the credentials.</returns>
    /// <exception cref="InvoiceGateway.Contracts.UpstreamException">The token exchange failed.</exception>
    ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>
    /// Gets whether <see cref="ApplyAsync"/> can fail or wait (a token exchange). Fixed headers never do, so a caller
    /// that checks the credentials ahead of a request (the raw passthrough) need not for them.
    /// </summary>
    bool MayFail => true;

    /// <summary>
    /// Drops the cached token, so the next <see cref="ApplyAsync"/> fetches a new one (e.g. after the
    /// upstream answered 401). Static credentials ignore it.
    /// </summary>
    void Invalidate();
}
