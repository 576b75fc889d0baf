using System.Reflection;
using System.Runtime.Loader;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Adapters.SamplePlugin;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.SamplePlugin;

public class SampleCsvAdapterTests
{
    private const string Csv = "id;number;dueDate;gross;currency;status\r\n"
                               + "1;S-1;2024-06-01;100.50;NOK;OPEN\r\n"
                               + "2;S-2;2024-07-01;20.00;;open\r\n"
                               + "\r\n"
                               + "3;S-3;2024-05-01;5;usd;PAID\r\n"
                               + "4;S-4;not-a-date;lots;EUR;ON_HOLD\r\n"
                               + "5;S-5;2024-05-01\r\n"
                               + ";S-6;2024-05-01;1;EUR;OPEN\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Adapter_IsAPluginAdapterNamedSampleCsv_WithAParameterlessConstructor()
    {
        var adapter = (IInvoiceAdapter)Activator.CreateInstance(typeof(SampleCsvAdapter))!;

        Assert.Equal("sample-csv", adapter.Name);
        Assert.Equal("EUR", adapter.DefaultCurrency);
        Assert.Equal(InvoiceDirection.Payable, adapter.DefaultDirection);
        Assert.Null(adapter.DescribeAuth(Source(new Uri("http://127.0.0.1:9/"))));
    }

    [Fact]
    public void PluginAssembly_ReferencesOnlyTheContractsAndTheFramework()
    {
        var references = typeof(SampleCsvAdapter).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("InvoiceGateway.Contracts", references);
        Assert.All(references, name => Assert.True(
            name == "InvoiceGateway.Contracts" || name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"The plug-in references {name}."));
    }

    [Fact]
    public void PluginAssembly_LoadedIntoItsOwnContext_GivesAnAdapterOfTheHostsContractType()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "InvoiceGateway.Adapters.SamplePlugin.dll");
        var context = new PluginContext(path);

        var assembly = context.LoadFromAssemblyPath(path);
        var type = Assert.Single(assembly.GetExportedTypes(), t => typeof(IInvoiceAdapter).IsAssignableFrom(t));
        var adapter = Activator.CreateInstance(type);

        Assert.NotSame(typeof(SampleCsvAdapter).Assembly, assembly);
        var contract = Assert.IsAssignableFrom<IInvoiceAdapter>(adapter);
        Assert.Equal("sample-csv", contract.Name);
        context.Unload();
    }

    [Fact]
    public async Task ListAsync_ReadsEveryGoodLine_AndReportsTheBadOnes()
    {
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse> { ["invoices.csv"] = new(Csv, ContentType: "text/csv") });
        var source = new SampleCsvAdapter().Create(Source(stub.BaseUrl, currency: "SEK"), stub.CreateClient());

        var listing = await source.ListAsync(Ct);

        Assert.Equal(["1", "2", "3", "4"], listing.Invoices.Select(i => i.SourceId));
        Assert.Equal(
            [InvoiceStatus.Open, InvoiceStatus.Open, InvoiceStatus.Paid, InvoiceStatus.Unknown],
            listing.Invoices.Select(i => i.Status));
        Assert.Equal(["NOK", "SEK", "USD", "EUR"], listing.Invoices.Select(i => i.Currency));
        Assert.Equal("csv:1", listing.Invoices[0].Id);
        Assert.Equal(100.50m, listing.Invoices[0].Totals.Gross);
        Assert.Equal(100.50m, listing.Invoices[0].Totals.Due);
        Assert.Equal(0m, listing.Invoices[2].Totals.Due);
        Assert.Equal("1;S-1;2024-06-01;100.50;NOK;OPEN", listing.Invoices[0].Raw?.ToElement().GetString());
        Assert.Equal(
            [WarningCodes.UnparsedValue, WarningCodes.UnparsedValue, WarningCodes.UnknownStatus],
            listing.Invoices[3].Warnings.Select(w => w.Code));
        Assert.Equal(2, listing.Rejected);
        Assert.Equal("Line 7 of source 'csv' was left out: it has 3 columns; 6 (id;number;dueDate;gross;currency;status) were expected.", listing.Notices[0].Message);
        Assert.Equal("Line 8 of source 'csv' was left out: it has no id.", listing.Notices[1].Message);
    }

    [Fact]
    public async Task GetAsync_FindsTheInvoiceInTheList()
    {
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse> { ["invoices.csv"] = new(Csv, ContentType: "text/csv") });
        var source = new SampleCsvAdapter().Create(Source(stub.BaseUrl), stub.CreateClient());

        Assert.Equal("S-3", (await source.GetAsync("3", Ct))?.Number);
        Assert.Null(await source.GetAsync("99", Ct));
    }

    [Fact]
    public async Task ListAsync_WhenTheUpstreamFails_ThrowsUpstreamException()
    {
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse> { ["invoices.csv"] = new("nope", 401) });
        var source = new SampleCsvAdapter().Create(Source(stub.BaseUrl), stub.CreateClient());

        var error = await Assert.ThrowsAsync<UpstreamException>(() => source.ListAsync(Ct));

        Assert.Equal(UpstreamErrorCodes.Unauthorized, error.Code);
    }

    [Fact]
    public async Task ListAsync_WhenTheUpstreamSendsJsonInsteadOfCsv_FailsWithAPayloadError()
    {
        await using var stub = await UpstreamStub.StartAsync(new Dictionary<string, StubResponse> { ["invoices.csv"] = StubResponse.Json("[]") });
        var source = new SampleCsvAdapter().Create(Source(stub.BaseUrl), stub.CreateClient());

        var error = await Assert.ThrowsAsync<UpstreamException>(() => source.ListAsync(Ct));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
    }

    [Fact]
    public void Validate_WhenTheFileOptionIsNotRelative_SaysSo()
    {
        var adapter = new SampleCsvAdapter();
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["File"] = "/etc/invoices.csv" };

        Assert.Empty(adapter.Validate(Source(new Uri("http://127.0.0.1:9/"))));
        var problem = Assert.Single(adapter.Validate(Source(new Uri("http://127.0.0.1:9/")) with { Options = options }));
        Assert.StartsWith("Options:File '/etc/invoices.csv'", problem, StringComparison.Ordinal);
    }

    private static SourceDescriptor Source(Uri baseUrl, string? currency = null) => new()
    {
        Name = "csv",
        BaseUrl = baseUrl,
        Currency = currency,
        Time = Sources.Today,
    };

    /// <summary>Loads a plug-in apart from the host, sharing only what the host already has (the contracts).</summary>
    private sealed class PluginContext(string path) : AssemblyLoadContext(isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == typeof(IInvoiceAdapter).Assembly.GetName().Name
                ? null
                : _resolver.ResolveAssemblyToPath(assemblyName) is { } resolved ? LoadFromAssemblyPath(resolved) : null;
    }
}
