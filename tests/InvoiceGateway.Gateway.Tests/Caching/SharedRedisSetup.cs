using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Testing;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>
/// A real redis-server of the test's own, a sandbox, and gateway replicas sharing that Redis
/// (<c>Gateway:Redis</c>), as a deployment runs them. Disposes everything it started.
/// </summary>
internal sealed class SharedRedisSetup : IAsyncDisposable
{
    private readonly List<GatewayServer> _replicas = [];
    private readonly (string Key, string? Value)[] _overrides;

    private SharedRedisSetup(RedisServer redis, SandboxHost sandbox, (string Key, string? Value)[] overrides)
    {
        Redis = redis;
        Sandbox = sandbox;
        _overrides = overrides;
    }

    public RedisServer Redis { get; }

    public SandboxHost Sandbox { get; }

    public static async Task<SharedRedisSetup> StartAsync(params (string Key, string? Value)[] overrides)
    {
        var redis = await RedisServer.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var sandbox = await SandboxHost.StartAsync(
                new SandboxOptions { InvoicesPerSource = 30 }, cancellationToken: TestContext.Current.CancellationToken);
            return new SharedRedisSetup(redis, sandbox, overrides);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more replica on the shared Redis; with <paramref name="admin"/>, API keys are on and its client sends the admin key.</summary>
    public async Task<GatewayServer> StartReplicaAsync(bool admin = false)
    {
        // The replicas here share Redis but not a database, so the sync's lease could not keep them from reading the same
        // source: these tests are about the cache alone, and count upstream reads that only requests cause.
        (string Key, string? Value)[] overrides = [("Gateway:Redis", Redis.Configuration), ("Gateway:Sync:Enabled", "false"), .. _overrides];
        var replica = admin
            ? await GatewayServer.StartAsync(SandboxConfig.ForAdmin(Sandbox, overrides), clientKey: SandboxConfig.AdminKey)
            : await GatewayServer.StartAsync(SandboxConfig.For(Sandbox, overrides));
        _replicas.Add(replica);
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
