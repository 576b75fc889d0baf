using System.Threading.RateLimiting;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Upstream;
using StackExchange.Redis;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// The connectable source definitions, each with the one HTTP handler all of its connections share:
/// one connection pool per upstream instead of one per connection, and the definition's
/// <c>Upstream:RequestsPerSecond</c> applied to all of its connections together (across replicas when Redis is
/// configured, see <see cref="DefinitionRateLimit"/>).
/// </summary>
internal sealed class ConnectionDefinitions : IDisposable
{
    private readonly Dictionary<string, ConnectionDefinition> _byName = new(StringComparer.Ordinal);

    public ConnectionDefinitions(IReadOnlyList<SourcePlan> plans, TimeProvider time, ILoggerFactory loggers, IConnectionMultiplexer? redis, string keyPrefix)
    {
        foreach (var plan in plans.Where(p => p.Settings.Connectable))
        {
            _byName[plan.Settings.Name] = new ConnectionDefinition(plan, time, loggers, redis, keyPrefix);
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
    private readonly DefinitionRateLimit? _limit;

    public ConnectionDefinition(SourcePlan plan, TimeProvider time, ILoggerFactory loggers, IConnectionMultiplexer? redis, string keyPrefix)
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
            _limit = new DefinitionRateLimit(plan.Settings.Name, rate, redis, keyPrefix, time, loggers.CreateLogger<DefinitionRateLimit>());
            primary = new UpstreamRateLimit(_limit) { InnerHandler = _pool };
        }

        Clients = new UpstreamClientFactory(time, loggers, primary);
    }

    public string Name => Plan.Settings.Name;

    public SourcePlan Plan { get; }

    /// <summary>Creates the upstream clients of this definition's connections, all on the shared handler.</summary>
    public UpstreamClientFactory Clients { get; }

    public void Dispose()
    {
        _limit?.Dispose();
        _pool.Dispose();
    }
}

/// <summary>
/// Holds each upstream call (token exchanges included) until the definition's rate allows it: a
/// thousand tenants' connections share the app's one client id, and the upstream counts them together.
/// </summary>
internal sealed class UpstreamRateLimit(DefinitionRateLimit limit) : DelegatingHandler
{
    /// <summary>The bucket of one process.</summary>
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
        if (!await limit.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new HttpRequestException("The source definition's request rate is exhausted and its queue is full.");
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
