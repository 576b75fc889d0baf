using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Security;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Proxy;

/// <summary>
/// The sandbox, an <see cref="EchoUpstream"/> configured as source <c>echo</c> (API root <c>/api/v1</c>,
/// bearer <see cref="EchoToken"/>), a second echo that nothing may reach (<see cref="Elsewhere"/>), and a
/// gateway with the <see cref="TestKeys"/> in front of them.
/// </summary>
public sealed class PassthroughFixture : IAsyncLifetime
{
    public const string EchoToken = "echo-source-token-4b7d9f1a3c5e";

    public SandboxHost Sandbox { get; private set; } = null!;

    public EchoUpstream Echo { get; private set; } = null!;

    public EchoUpstream Elsewhere { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public static (string Key, string? Value)[] EchoSource(Uri root) =>
    [
        ("Gateway:Sources:echo:Adapter", "generic"),
        ("Gateway:Sources:echo:BaseUrl", new Uri(root, "api/v1").ToString()),
        ("Gateway:Sources:echo:Auth:Type", "bearer"),
        ("Gateway:Sources:echo:Auth:Token", EchoToken),
        ("Gateway:Sources:echo:Options:Mapping", "ibana"),
    ];

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 });
        Echo = await EchoUpstream.StartAsync();
        Elsewhere = await EchoUpstream.StartAsync();
        // The echo upstream is no invoice API and the tests count what reaches it: no background reads of its list.
        Gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(Sandbox, [.. EchoSource(Echo.Root), ("Gateway:Sync:Enabled", "false")]));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Elsewhere.DisposeAsync();
        await Echo.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
