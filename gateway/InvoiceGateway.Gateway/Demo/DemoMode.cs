using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Sandbox;
using InvoiceGateway.Upstream;

namespace InvoiceGateway.Gateway.Demo;

/// <summary>
/// With no sources configured (and <c>Gateway:Demo</c> not false) the gateway starts the sandbox
/// in-process on a free loopback port and reads its five simulated APIs through the real adapters,
/// so <c>dotnet run</c> serves normalized invoices out of the box.
/// </summary>
internal static class DemoMode
{
    public static async Task<SandboxHost> StartSandboxAsync(IConfiguration configuration)
    {
        var options = new SandboxOptions();
        configuration.GetSection("Sandbox").Bind(options);
        return await SandboxHost.StartAsync(options).ConfigureAwait(false);
    }

    /// <summary>
    /// The demo's owner: the company whose invoices the five sources hold, seller of the receivable ones (SendRegning's
    /// complete invoice is issued by it) and buyer of the payable ones. It completes the owner's side in UBL exports.
    /// </summary>
    public static Party Owner { get; } = new()
    {
        Name = "Nordlys Regnskap AS",
        OrganizationNumber = "913456782",
        OrganizationScheme = "0192",
        VatNumber = "NO913456782MVA",
        ElectronicAddress = new ElectronicAddress("0192", "913456782"),
        Email = "faktura@nordlysregnskap.no",
        Address = new PostalAddress("Storgata 12", null, "0155", "OSLO", "NO"),
    };

    public static IReadOnlyList<SourceSettings> Sources(SandboxHost sandbox)
    {
        var cache = new CachePolicy(TimeSpan.FromSeconds(30), TimeSpan.FromDays(1));
        return
        [
            new SourceSettings
            {
                Name = "goscore", Adapter = "goscore", Owner = Owner, BaseUrl = sandbox.BaseUrlOf("goscore"), Cache = cache,
                Auth = new UpstreamAuthOptions { Type = "goscore", ClientId = SandboxCredentials.GoScoreClientId, SecretKey = SandboxCredentials.GoScoreSecretKey },
                Options = Options(("ConsentId", SandboxCredentials.GoScoreConsentId)),
            },
            new SourceSettings
            {
                Name = "sendcloud", Adapter = "sendcloud", Owner = Owner, BaseUrl = sandbox.BaseUrlOf("sendcloud"), Cache = cache,
                Auth = new UpstreamAuthOptions { Type = "basic", Username = SandboxCredentials.SendcloudPublicKey, Password = SandboxCredentials.SendcloudSecretKey },
            },
            new SourceSettings
            {
                Name = "sendregning", Adapter = "sendregning", Owner = Owner, BaseUrl = sandbox.BaseUrlOf("sendregning"), Cache = cache,
                Auth = new UpstreamAuthOptions { Type = "basic", Username = SandboxCredentials.SendRegningUsername, Password = SandboxCredentials.SendRegningPassword },
            },
            new SourceSettings
            {
                Name = "ibana", Adapter = "generic", Owner = Owner, BaseUrl = sandbox.BaseUrlOf("ibana"), Cache = cache,
                Auth = new UpstreamAuthOptions { Type = "bearer", Token = SandboxCredentials.IbanaToken },
                Options = Options(("Mapping", "ibana")),
            },
            new SourceSettings
            {
                Name = "dollr", Adapter = "generic", Owner = Owner, BaseUrl = sandbox.BaseUrlOf("dollr"), Cache = cache,
                Auth = new UpstreamAuthOptions { Type = "token", ClientId = SandboxCredentials.DollrClientId, ClientSecret = SandboxCredentials.DollrClientSecret },
                Options = Options(("Mapping", "dollr")),
            },
        ];
    }

    private static Dictionary<string, string?> Options(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => (string?)v.Value, StringComparer.OrdinalIgnoreCase);
}
