using InvoiceGateway.Sandbox.Serving;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace InvoiceGateway.Sandbox;

/// <summary>Tells whoever started the sandbox program where each API is.</summary>
internal static partial class SandboxStartupLog
{
    public static void LogBaseUrls(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InvoiceGateway.Sandbox");
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return;
        }

        var root = SandboxHost.RootOf(address);
        var options = app.Services.GetRequiredService<SandboxRuntime>().Options;
        Started(logger, options.InvoicesPerSource, options.Seed, new Uri(root, "_sandbox/health"));
        foreach (var api in SandboxApis.Names)
        {
            BaseUrl(logger, api, new Uri(root, SandboxApis.RelativeBaseUrl(api)));
        }

        BaseUrl(logger, "sendcloud oauth2 token", new Uri(root, SandboxApis.SendcloudRelativeTokenUrl));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox serving {InvoicesPerSource} generated invoices per API (seed {Seed}); control API at {Health}")]
    private static partial void Started(ILogger logger, int invoicesPerSource, int seed, Uri health);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Api}: {BaseUrl}")]
    private static partial void BaseUrl(ILogger logger, string api, Uri baseUrl);
}
