using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Hosting;

/// <summary>The built gateway program itself, as `dotnet run` starts it: demo mode out of the box, and one clear error for bad configuration.</summary>
public sealed class ProgramProcessTests
{
    private static readonly string GatewayDll = Path.Combine(AppContext.BaseDirectory, "InvoiceGateway.Gateway.dll");

    [Fact]
    public async Task Program_WithNoConfiguration_ServesNormalizedInvoicesOfFiveDemoSources()
    {
        var port = FreePort();
        using var process = Start($"--urls http://127.0.0.1:{port}", new Dictionary<string, string>());
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitUntilLiveAsync(client, process);

            var page = JsonNode.Parse(await client.GetStringAsync("v1/invoices?limit=500", TestContext.Current.CancellationToken))!.AsObject();

            Assert.True(page["complete"]!.GetValue<bool>());
            Assert.Equal(
                SandboxConfig.SourceNames.Order(),
                page["data"]!.AsArray().Select(i => i.Str("source")!).Distinct().Order());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Program_WithInvalidConfiguration_ExitsWithOneMessageListingEveryProblem()
    {
        using var process = Start("--urls http://127.0.0.1:0", new Dictionary<string, string>
        {
            ["Gateway__Sources__first__Adapter"] = "nosuch",
            ["Gateway__Sources__first__BaseUrl"] = "https://example.test/",
            ["Gateway__Sources__second__Adapter"] = "sendregning",
            ["Gateway__Sources__second__BaseUrl"] = "ftp://example.test/",
            ["Gateway__Sources__second__Auth__Type"] = "basic",
            ["Gateway__Sources__second__Auth__Password"] = "never-print-this-password",
        });

        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var message = await stderr;

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("cannot start", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Sources:first:Adapter 'nosuch'", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Sources:second:BaseUrl", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Sources:second:Auth:Username", message, StringComparison.Ordinal);
        Assert.DoesNotContain("never-print-this-password", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // a message, not a stack trace
    }

    [Fact]
    public async Task Program_WithUnreachableDatabase_ExitsWithOneClearMessage()
    {
        using var process = Start("--urls http://127.0.0.1:0", new Dictionary<string, string>
        {
            ["Gateway__Database"] = $"Host=127.0.0.1;Port={FreePort()};Database=gw;Username=gw;Password=never-print-this-password;Timeout=5",
        });

        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var message = await stderr;

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("cannot start", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Database: the database (PostgreSQL Host=127.0.0.1", message, StringComparison.Ordinal);
        Assert.DoesNotContain("never-print-this-password", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    private static Process Start(string arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{GatewayDll}\" {arguments}")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task WaitUntilLiveAsync(HttpClient client, Process process)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                Assert.Fail("the gateway exited: " + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
            }

            try
            {
                using var response = await client.GetAsync("health/live", TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail("the gateway did not become live within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
