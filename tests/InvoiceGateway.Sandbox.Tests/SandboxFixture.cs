namespace InvoiceGateway.Sandbox.Tests;

/// <summary>
/// A sandbox with the default options. As a class fixture every test class gets its own, so faults set by one
/// class never leak into another.
/// </summary>
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
