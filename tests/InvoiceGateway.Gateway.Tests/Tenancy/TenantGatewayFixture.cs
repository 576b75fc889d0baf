using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>A sandbox and one gateway with tenants on its own SQLite file; tests use tenants of their own.</summary>
public sealed class TenantGatewayFixture : IAsyncLifetime
{
    public SandboxHost Sandbox { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 });
        Gateway = await GatewayServer.StartAsync(TenantSetup.For(Sandbox));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
