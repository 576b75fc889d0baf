using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZiggyCreatures.Caching.Fusion;

namespace InvoiceGateway.Caching.Tests.Support;

/// <summary>One gateway replica's cache, wired as the gateway wires it (<c>AddInvoiceCache</c>), with captured logs.</summary>
public sealed class Replica : IDisposable
{
    private readonly ServiceProvider _services;

    public Replica(string? redis, string keyPrefix, long memoryLimitMb = 64)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddInvoiceCache(new InvoiceCacheOptions { Redis = redis, KeyPrefix = keyPrefix, MemoryLimitMb = memoryLimitMb });
        _services = services.BuildServiceProvider();
        Cache = _services.GetRequiredService<InvoiceCache>();
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public InvoiceCache Cache { get; }

    public IFusionCache Fusion => _services.GetRequiredService<IFusionCache>();

    /// <summary>A key prefix of its own per test, so tests could share one Redis (REDIS_URL).</summary>
    public static string NewKeyPrefix() => $"test-{Guid.NewGuid():N}:";

    public void Dispose() => _services.Dispose();
}
