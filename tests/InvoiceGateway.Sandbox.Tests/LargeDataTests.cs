namespace InvoiceGateway.Sandbox.Tests;

public sealed class LargeSandboxFixture : IAsyncLifetime
{
    public const int InvoicesPerSource = 10_000;

    public SandboxHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = InvoicesPerSource }, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

public class LargeDataTests(LargeSandboxFixture fixture) : IClassFixture<LargeSandboxFixture>
{
    [Theory]
    [InlineData("goscore", 1)]
    [InlineData("sendcloud", 2)]
    [InlineData("sendregning", 2)]
    [InlineData("ibana", 1)]
    [InlineData("dollr", 1)]
    public async Task TenThousandPerSource_AreServedCompletelyAndOnce(string api, int seedExamples)
    {
        using var client = new UpstreamClient(fixture.Host);

        var (invoices, _) = await client.ReadAllAsync(api, 1000);

        var ids = invoices.Select(i => UpstreamClient.IdOf(api, i)).ToHashSet();
        Assert.Equal(LargeSandboxFixture.InvoicesPerSource + seedExamples, invoices.Count);
        Assert.Equal(invoices.Count, ids.Count);
    }
}
