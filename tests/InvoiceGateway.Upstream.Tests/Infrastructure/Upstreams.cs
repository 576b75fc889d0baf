using InvoiceGateway.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InvoiceGateway.Upstream.Tests.Infrastructure;

/// <summary>Builds clients against a <see cref="TestUpstream"/> with quick test settings.</summary>
public static class Upstreams
{
    /// <summary>Short delays so tests run fast; the circuit is out of the way unless a test sets it.</summary>
    public static UpstreamResilienceOptions Fast { get; } = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        CircuitMinimumThroughput = 1000,
    };

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static UpstreamClient Client(
        TestUpstream server,
        UpstreamAuthOptions? auth = null,
        UpstreamResilienceOptions? resilience = null,
        AuthDefaults? adapter = null,
        TimeProvider? time = null,
        ILoggerFactory? loggers = null,
        string name = "src")
    {
        var factory = new UpstreamClientFactory(time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance);
        return factory.Create(new UpstreamSource
        {
            Name = name,
            BaseUrl = server.BaseUrl,
            Auth = auth ?? new UpstreamAuthOptions(),
            Resilience = resilience ?? Fast,
            AdapterAuth = adapter,
        });
    }
}
