using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(InvoiceGateway.Console.Tests.Infrastructure.ConsoleFixture))]

namespace InvoiceGateway.Console.Tests.Infrastructure;

/// <summary>
/// One browser for the whole project (Debian's chromium driven by Playwright), and one gateway on real Kestrel
/// reading the sandbox, shared read-only by every test. Tests that break a source or need keys start their own
/// gateway with <see cref="StartGatewayAsync"/> and still share the browser.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private readonly Lazy<Task<LiveGateway>> _live = new(LiveGateway.StartAsync);
    private IPlaywright? _playwright;

    public SandboxHost Sandbox { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var browser = StartBrowserAsync();
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 30 });
        Gateway = await GatewayServer.StartAsync(SandboxConfig.For(Sandbox));
        Browser = await browser;
    }

    /// <summary>The gateway of the Events and Webhooks pages (keys, sources read every second), started the first time it is asked for.</summary>
    public Task<LiveGateway> LiveAsync() => _live.Value;

    /// <summary>A gateway of its own on a sandbox of its own, for a test that changes either.</summary>
    public static Task<(SandboxHost Sandbox, GatewayServer Gateway)> StartGatewayAsync(params (string Key, string? Value)[] overrides) =>
        StartGatewayAsync(_ => { }, overrides);

    /// <summary>
    /// As above, with the sandbox arranged (e.g. a fault set) before the gateway starts: the gateway's background sync
    /// reads every source at start, so a fault set afterwards may come after a successful first read.
    /// </summary>
    public static async Task<(SandboxHost Sandbox, GatewayServer Gateway)> StartGatewayAsync(
        Action<SandboxHost> arrange, params (string Key, string? Value)[] overrides)
    {
        var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 20 });
        arrange(sandbox);
        return (sandbox, await GatewayServer.StartAsync(SandboxConfig.For(sandbox, overrides)));
    }

    /// <summary>
    /// A fresh browser context (its own sessionStorage) with one page that records every error it logs; with
    /// <paramref name="apiKey"/>, the console has that key as if the user had entered it.
    /// </summary>
    public async Task<ConsolePage> OpenAsync(GatewayServer gateway, ViewportSize? viewport = null, string? apiKey = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = gateway.Address.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        if (apiKey is not null)
        {
            await context.AddInitScriptAsync($"sessionStorage.setItem('invoicegateway.apiKey', {System.Text.Json.JsonSerializer.Serialize(apiKey)});");
        }

        return new ConsolePage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_live.IsValueCreated && _live.Value.IsCompletedSuccessfully)
        {
            await _live.Value.Result.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }

    private async Task<IBrowser> StartBrowserAsync()
    {
        // Playwright cannot download its own browsers here: it drives the distribution's chromium (.ci/run installs it).
        var executable = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"No chromium at {executable}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.");
        }

        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Tests run as root in CI containers, where chromium's own sandbox cannot start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }
}
