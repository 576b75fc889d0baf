namespace InvoiceGateway.Upstream;

/// <summary>
/// Timeouts, retries, circuit breaker and response limit of one source, bound from
/// <c>Gateway:Sources:&lt;name&gt;:Resilience</c>. Every value can be overridden per source.
/// </summary>
public sealed record UpstreamResilienceOptions
{
    /// <summary>
    /// How long one attempt may take until the response headers arrive.
    /// The default value is 5 seconds. Must be between 10 ms and 24 hours.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one call may take across all its attempts and retry delays, until the response headers arrive.
    /// The default value is 15 seconds. Must be between 10 ms and 24 hours, and not shorter than <see cref="AttemptTimeout"/>.
    /// </summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many times a failed <c>GET</c>, <c>HEAD</c>, <c>OPTIONS</c> or <c>TRACE</c> is retried (<c>POST</c>,
    /// <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c> never are); 0 turns retries off. The default value is 2. Must be between 0 and 10.
    /// </summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>
    /// The median delay before the first retry; later retries back off exponentially, with jitter.
    /// A <c>Retry-After</c> header replaces it. The default value is 200 milliseconds. Must be between 0 and 24 hours.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits for; a longer one (or one beyond the
    /// <see cref="TotalTimeout"/>) returns the response instead of retrying.
    /// The default value is 30 seconds. Must not be negative.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The share of failed attempts within <see cref="CircuitSamplingDuration"/> that opens the circuit.
    /// The default value is 0.5. Must be greater than 0 and at most 1.
    /// </summary>
    public double CircuitFailureRatio { get; init; } = 0.5;

    /// <summary>
    /// How many attempts must have been made within <see cref="CircuitSamplingDuration"/> before the
    /// circuit can open. The default value is 10. Must be at least 2.
    /// </summary>
    public int CircuitMinimumThroughput { get; init; } = 10;

    /// <summary>
    /// The window over which <see cref="CircuitFailureRatio"/> is measured.
    /// The default value is 30 seconds. Must be between 500 ms and 24 hours.
    /// </summary>
    public TimeSpan CircuitSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an open circuit fails calls fast before letting one trial call through.
    /// The default value is 15 seconds. Must be between 500 ms and 24 hours.
    /// </summary>
    public TimeSpan CircuitBreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most bytes of one response body (after decompression) the source may send.
    /// The default value is 64 MiB (67,108,864 bytes). Must be greater than 0.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;
}
