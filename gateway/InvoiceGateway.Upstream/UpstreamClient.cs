namespace InvoiceGateway.Upstream;

/// <summary>
/// One source's HTTP client, credentials and health. Requests through <see cref="Http"/> pass, in order:
/// outcome → resilience (total timeout → retry → circuit breaker → attempt timeout) → a span per attempt → same-host redirects →
/// authentication (renewed once on 401) → response size limit → the connection pool.
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    private readonly SourceHealth _health;
    private readonly HttpMessageInvoker _tokenInvoker;
    private readonly HttpMessageHandler? _ownedPrimary;
    private int _disposed;

    internal UpstreamClient(
        SourceHealth health, HttpClient http, ISourceCredentials credentials, HttpMessageInvoker tokenInvoker, HttpMessageHandler? ownedPrimary)
    {
        _health = health;
        Http = http;
        Credentials = credentials;
        _tokenInvoker = tokenInvoker;
        _ownedPrimary = ownedPrimary;
        UpstreamMetrics.Register(health);
    }

    /// <summary>The source name.</summary>
    public string Name => _health.Name;

    /// <summary>
    /// The client adapters use: <see cref="HttpClient.BaseAddress"/> is the source's <c>BaseUrl</c> ending in
    /// <c>/</c>, so request paths are relative without a leading <c>/</c>. Failures surface as
    /// <see cref="InvoiceGateway.Contracts.UpstreamException"/>; unsuccessful answers that survive the retries
    /// are returned as responses. Response bodies are bounded by <see cref="UpstreamResilienceOptions.MaxResponseBytes"/>.
    /// </summary>
    public HttpClient Http { get; }

    /// <summary>The source's credentials, for requests that do not go through <see cref="Http"/> (YARP passthrough).</summary>
    public ISourceCredentials Credentials { get; }

    /// <summary>The state of the source's circuit breaker.</summary>
    public CircuitState Circuit => _health.Circuit;

    /// <summary>When the source last answered a call successfully (2xx, 3xx or 404), or <c>null</c>.</summary>
    public DateTimeOffset? LastSuccess => _health.LastSuccess;

    /// <summary>What went wrong the last time a call failed, or <c>null</c>. Never carries a credential.</summary>
    public string? LastError => _health.LastError;

    /// <summary>When <see cref="LastError"/> happened, or <c>null</c>.</summary>
    public DateTimeOffset? LastErrorAt => _health.LastErrorAt;

    /// <summary>
    /// Whether the last thing recorded was a failure: a failed call, or a read the adapter gave up on
    /// (<see cref="ReadFailed"/>), even when the call itself was answered (a 404 on a list, say).
    /// </summary>
    public bool LastFailed => _health.LastFailed;

    /// <summary>Records a list or detail read that failed with <paramref name="error"/>, after its calls were recorded.</summary>
    public void ReadFailed(InvoiceGateway.Contracts.UpstreamException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _health.Failed(error.Message);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        UpstreamMetrics.Unregister(_health);
        Http.Dispose();
        _tokenInvoker.Dispose();
        (Credentials as IDisposable)?.Dispose();
        _ownedPrimary?.Dispose();
    }
}
