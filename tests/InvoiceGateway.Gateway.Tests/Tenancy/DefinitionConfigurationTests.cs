using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>Connectable definitions and tenant settings are checked at start-up with everything else, in one message.</summary>
public sealed class DefinitionConfigurationTests
{
    [Fact]
    public async Task Startup_WithBadTenantSettings_ListsEachProblemButAcceptsWhatConnectionsSupply()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 1 }, cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayServer.StartAsync(TenantSetup.For(sandbox,
            ("Gateway:Sources:goscore-app:Upstream:RequestsPerSecond", "0"),
            ("Gateway:Sources:goscore-app:Options:PageSize", "-1"),
            ("Gateway:Sources:goscore:Connectable", "perhaps"),
            ("Gateway:Tenants:MaxConnections", "-5"),
            ("Gateway:Tenants:SharedSources:0", "goscore-app"))));

        Assert.Contains(error.Problems, p => p.Contains("goscore-app:Upstream:RequestsPerSecond", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Gateway:Sources:goscore-app: Options:PageSize", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Sources:goscore:Connectable", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("Tenants:MaxConnections", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("SharedSources names 'goscore-app'", StringComparison.Ordinal));

        // What each connection gives (goscore-app's ConsentId, ibana-app's Token) is no problem of the definition.
        Assert.DoesNotContain(error.Problems, p => p.Contains("ConsentId", StringComparison.Ordinal) || p.Contains("Auth:Token", StringComparison.Ordinal));
    }
}
