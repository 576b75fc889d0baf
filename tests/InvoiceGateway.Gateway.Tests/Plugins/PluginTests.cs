using System.Text;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InvoiceGateway.Gateway.Tests.Plugins;

/// <summary>A compiled plug-in dropped into the plug-ins folder adds an adapter kind, without touching the gateway.</summary>
public sealed class PluginTests
{
    private const string Csv = "id;number;dueDate;gross;currency;status\n"
                               + "A-1;2026-001;2026-12-01;120.50;EUR;open\n"
                               + "A-2;2026-002;2026-10-01;99.00;NOK;paid\n";

    [Fact]
    public async Task Gateway_WithSamplePluginInPluginsFolder_ServesItsInvoices()
    {
        var plugins = CopyPluginToTemporaryFolder();
        await using var upstream = await TestUpstream.StartAsync(app =>
            app.MapGet("/csvapi/invoices.csv", () => Results.Text(Csv, "text/csv", Encoding.UTF8)));
        await using var gateway = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Plugins"] = plugins,
            ["Gateway:Sources:csv:Adapter"] = "sample-csv",
            ["Gateway:Sources:csv:BaseUrl"] = upstream.Root + "csvapi",
        });

        var page = await gateway.Client.GetObjectAsync("v1/invoices?sort=dueDate");
        var sources = await gateway.Client.GetAsync("v1/sources", TestContext.Current.CancellationToken);

        Assert.Equal(["csv:A-2", "csv:A-1"], page["data"]!.AsArray().Select(i => i.Str("id")));
        Assert.Equal("120.50", page["data"]![1]!["totals"]!["gross"]!.ToJsonString());
        Assert.Equal("ok", page.SourceState("csv").Str("state"));
        Assert.Contains("\"adapter\":\"sample-csv\"", await sources.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var one = await gateway.Client.GetObjectAsync("v1/invoices/csv:A-1");
        Assert.Equal("2026-001", one.Str("number"));
    }

    [Fact]
    public async Task Gateway_WithoutThePlugin_RefusesTheUnknownAdapterAtStartup()
    {
        var empty = Directory.CreateTempSubdirectory("ig-no-plugins-").FullName;

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Plugins"] = empty,
            ["Gateway:Sources:csv:Adapter"] = "sample-csv",
            ["Gateway:Sources:csv:BaseUrl"] = "http://127.0.0.1:9/",
        }));

        Assert.Contains("'sample-csv' is not a known adapter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_WithABrokenPluginFile_ListsItAmongTheStartupProblems()
    {
        var plugins = Directory.CreateTempSubdirectory("ig-bad-plugins-").FullName;
        await File.WriteAllTextAsync(Path.Combine(plugins, "Broken.dll"), "not an assembly", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Plugins"] = plugins,
            ["Gateway:Demo"] = "false",
        }));

        Assert.Contains("Plug-in Broken.dll could not be loaded", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The plug-in as a user deploys it: its build output (without a contracts copy) in a folder of its own.</summary>
    private static string CopyPluginToTemporaryFolder()
    {
#if RELEASE_BUILD
        const string configuration = "Release";
#else
        const string configuration = "Debug";
#endif
        var root = RepositoryRoot();
        var output = Path.Combine(root, "adapters", "InvoiceGateway.Adapters.SamplePlugin", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "InvoiceGateway.Adapters.SamplePlugin.dll")), $"the plug-in was not built into {output}");
        Assert.False(File.Exists(Path.Combine(output, "InvoiceGateway.Contracts.dll")), "a plug-in must not carry its own copy of the contracts");

        var plugins = Directory.CreateTempSubdirectory("ig-plugins-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(plugins, "InvoiceGateway.Adapters.SamplePlugin")).FullName;
        foreach (var file in Directory.GetFiles(output))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return plugins;
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "InvoiceGateway.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("InvoiceGateway.sln not found above " + AppContext.BaseDirectory);
    }
}
