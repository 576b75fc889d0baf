using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.EInvoicing;

/// <summary>The sandbox and a gateway whose five sources know their owner (Gateway:Sources:&lt;name&gt;:Owner).</summary>
public sealed class UblGatewayFixture : IAsyncLifetime
{
    public const string UblType = "application/vnd.oasis.ubl+xml";

    public SandboxHost Sandbox { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public static (string Key, string? Value)[] Owner(string source) =>
    [
        ($"Gateway:Sources:{source}:Owner:Name", "Nordlys Regnskap AS"),
        ($"Gateway:Sources:{source}:Owner:OrganizationNumber", "913456782"),
        ($"Gateway:Sources:{source}:Owner:VatNumber", "NO913456782MVA"),
        ($"Gateway:Sources:{source}:Owner:ElectronicAddress:Scheme", "0192"),
        ($"Gateway:Sources:{source}:Owner:ElectronicAddress:Value", "913456782"),
        ($"Gateway:Sources:{source}:Owner:Address:Line1", "Storgata 12"),
        ($"Gateway:Sources:{source}:Owner:Address:PostalCode", "0155"),
        ($"Gateway:Sources:{source}:Owner:Address:City", "OSLO"),
        ($"Gateway:Sources:{source}:Owner:Address:Country", "NO"),
    ];

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 3 });
        Gateway = await GatewayServer.StartAsync(SandboxConfig.For(Sandbox, [.. SandboxConfig.SourceNames.SelectMany(Owner)]));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
    }

    public async Task<HttpResponseMessage> GetUblAsync(string id, string accept = UblType, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/invoices/{Uri.EscapeDataString(id)}{query}");
        request.Headers.Accept.ParseAdd(accept);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
