namespace InvoiceGateway.Sandbox.Tests;

public class DeterminismTests
{
    private static async Task<Dictionary<string, List<string>>> ReadEverythingAsync(SandboxOptions options)
    {
        await using var host = await SandboxHost.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);
        using var client = new UpstreamClient(host);
        var result = new Dictionary<string, List<string>>();
        foreach (var api in SandboxApis.Names)
        {
            var (_, pages) = await client.ReadAllAsync(api, 10);

            // Sendcloud's items URLs name the host they were reached on; that part differs by design.
            result[api] = [.. pages.Select(p => System.Text.Encoding.UTF8.GetString(p).Replace(host.RootUrl.ToString(), "{root}/", StringComparison.Ordinal))];
        }

        return result;
    }

    [Fact]
    public async Task TwoHosts_WithTheSameSeed_ServeTheSameBytes()
    {
        var options = new SandboxOptions { InvoicesPerSource = 40 };

        var first = await ReadEverythingAsync(options);
        var second = await ReadEverythingAsync(options);

        Assert.All(SandboxApis.Names, api => Assert.Equal(first[api], second[api]));
    }

    [Fact]
    public async Task TwoHosts_WithDifferentSeeds_ServeDifferentGeneratedData()
    {
        var first = await ReadEverythingAsync(new SandboxOptions { Seed = 1 });
        var second = await ReadEverythingAsync(new SandboxOptions { Seed = 2 });

        Assert.All(SandboxApis.Names, api => Assert.NotEqual(first[api], second[api]));
    }
}
