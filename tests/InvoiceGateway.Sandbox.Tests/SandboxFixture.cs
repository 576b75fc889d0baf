namespace InvoiceGateway.Sandbox.Tests;

/// <summary>A sandbox with the default options, for tests that only read (no faults, no counting).</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxHost Host { get; private set; } = null!;

    public UpstreamClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await SandboxHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        Client = new UpstreamClient(Host);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
