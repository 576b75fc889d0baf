using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Testing;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace InvoiceGateway.Gateway.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL cluster for the whole test assembly, started on first use (a cluster takes seconds
/// to start); each test takes a database of its own from it.
/// </summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    private readonly Lazy<Task<PostgresServer>> _server = new(() => PostgresServer.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Starts the cluster when needed and creates an empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var server = await _server.Value;
        return await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsValueCreated)
        {
            await (await _server.Value).DisposeAsync();
        }
    }
}
