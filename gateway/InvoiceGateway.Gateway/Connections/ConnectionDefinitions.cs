using System.Threading.RateLimiting;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// The connectable source definitions, each with the one HTTP handler all of its connections share:
/// one connection pool per upstream instead of one per connection, and the definition's
/// <c>Upstream:RequestsPerSecond</c> applied to all of its connections together.
/// </summary>
internal sealed class ConnectionDefinitions : IDisposable
{
    private readonly Dictionary<string, ConnectionDefinition> _byName = new(StringComparer.Ordinal);

    public ConnectionDefinitions(IReadOnlyList<SourcePlan> plans, TimeProvider time, ILoggerFactory loggers)
    {
        foreach (var plan in plans.Where(p => p.Settings.Connectable))
        {
            _byName[plan.Settings.Name] = new ConnectionDefinition(plan, time, loggers);
        }
    }

    public IEnumerable<ConnectionDefinition> All => _byName.Values.OrderBy(d => d.Name, StringComparer.Ordinal);

    public ConnectionDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var definition in _byName.Values)
        {
            definition.Dispose();
        }
    }
}

/// <summary>One connectable definition and what its connections share.</summary>
internal sealed class ConnectionDefinition : IDisposable
{
    private readonly SocketsHttpHandler _pool;
    private readonly RateLimiter? _limiter;

    public ConnectionDefinition(SourcePlan plan, TimeProvider time, ILoggerFactory loggers)
    {
        Plan = plan;
        _pool = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        HttpMessageHandler primary = _pool;
        if (plan.Settings.RequestsPerSecond is { } rate)
        {
            _limiter = UpstreamRateLimit.Create(rate);
            primary = new UpstreamRateLimit(_limiter) { InnerHandler = _pool };
        }

        Clients = new UpstreamClientFactory(time, loggers, primary);
    }

    public string Name => Plan.Settings.Name;

    public SourcePlan Plan { get; }

    /// <summary>Creates the upstream clients of this definition's connections, all on the shared handler.</summary>
    public UpstreamClientFactory Clients { get; }

    public void Dispose()
    {
        _limiter?.Dispose();
        _pool.Dispose();
    }
}

/// <summary>
/// Holds each upstream call (token exchanges included) until the definition's rate allows it: a
/// thousand tenants' connections share the app's one client id, and the upstream counts them together.
/// </summary>
internal sealed class UpstreamRateLimit(RateLimiter limiter) : DelegatingHandler
{
    public static RateLimiter Create(double requestsPerSecond)
    {
        // Whole tokens per period: a rate below 1/s becomes one token per (1/rate) seconds.
        var period = requestsPerSecond >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / requestsPerSecond);
        var tokens = Math.Max(1, (int)Math.Floor(requestsPerSecond >= 1 ? requestsPerSecond : 1));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new HttpRequestException("The source definition's request rate is exhausted and its queue is full.");
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
