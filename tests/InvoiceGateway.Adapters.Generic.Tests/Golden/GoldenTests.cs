using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Golden;

/// <summary>
/// Golden files: <c>&lt;case&gt;.input.json</c> holds the upstream's answers by path (built from the seed
/// examples), <c>&lt;case&gt;.expected.json</c> the canonical invoices the list must give. Run with
/// UPDATE_GOLDEN=1 to rewrite the expected files, then review every change by hand against SPEC §2/§3.
/// </summary>
public class GoldenTests
{
    private static bool Update => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    [Theory]
    [InlineData("ibana-recipient-fields")]
    [InlineData("ibana-counterparty-fields")]
    [InlineData("ibana-bank-account-only")]
    [InlineData("dollr-numeric-ids")]
    [InlineData("dollr-string-ids")]
    [InlineData("invoicely-example")]
    [InlineData("ibana-variants")]
    [InlineData("dollr-variants")]
    public async Task ListAsync_ForGoldenCase_GivesTheExpectedCanonicalInvoices(string name)
    {
        var golden = await GoldenCase.ReadAsync(name);
        await using var stub = await UpstreamStub.StartAsync(golden.Routes);
        var source = Sources.Create(stub, golden.Source, golden.Mapping, TestFiles.RepositoryRoot, golden.Today);

        var listing = await source.ListAsync(TestContext.Current.CancellationToken);

        Assert.Empty(listing.Notices);
        var actual = Canonical.Text(listing.Invoices);
        var expectedPath = Path.Combine(TestFiles.GoldenDirectory, $"{name}.expected.json");
        if (Update)
        {
            await File.WriteAllTextAsync(expectedPath, actual, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Canonical.Normalize(await File.ReadAllTextAsync(expectedPath, TestContext.Current.CancellationToken)), actual);
    }

    [Theory]
    [InlineData("ibana-recipient-fields")]
    [InlineData("ibana-counterparty-fields")]
    [InlineData("dollr-numeric-ids")]
    [InlineData("dollr-string-ids")]
    [InlineData("invoicely-example")]
    public async Task GetAsync_ForEveryListedInvoice_GivesTheSameInvoiceAsTheList_OrNullWhenTheDetailIsMissing(string name)
    {
        var golden = await GoldenCase.ReadAsync(name);
        await using var stub = await UpstreamStub.StartAsync(golden.Routes);
        var source = Sources.Create(stub, golden.Source, golden.Mapping, TestFiles.RepositoryRoot, golden.Today);
        var listing = await source.ListAsync(TestContext.Current.CancellationToken);

        foreach (var listed in listing.Invoices)
        {
            var detail = await source.GetAsync(listed.SourceId, TestContext.Current.CancellationToken);

            if (golden.HasDetail(listed.SourceId))
            {
                Assert.NotNull(detail);
                Assert.Equal(Canonical.Text(listed), Canonical.Text(detail));
                Assert.Equal(JsonValueKind.Object, detail.Raw?.ToElement().ValueKind);
            }
            else
            {
                Assert.Null(detail);
            }
        }
    }

    [Fact]
    public async Task ListAsync_ForIbana_KeepsTheUpstreamEntryAsRaw()
    {
        var golden = await GoldenCase.ReadAsync("ibana-recipient-fields");
        await using var stub = await UpstreamStub.StartAsync(golden.Routes);
        var source = Sources.Create(stub, golden.Source, golden.Mapping, TestFiles.RepositoryRoot, golden.Today);

        var invoice = Assert.Single((await source.ListAsync(TestContext.Current.CancellationToken)).Invoices);

        Assert.Equal("RE-2024-0412.pdf", invoice.Raw!.Value.ToElement().GetProperty("originalFileName").GetString());
    }

    private sealed record GoldenCase(string Mapping, string Source, TimeProvider Today, Dictionary<string, StubResponse> Routes)
    {
        public static async Task<GoldenCase> ReadAsync(string name)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(TestFiles.GoldenDirectory, $"{name}.input.json"), TestContext.Current.CancellationToken);
            using var input = JsonDocument.Parse(text);
            var root = input.RootElement;
            var routes = new Dictionary<string, StubResponse>(StringComparer.Ordinal);
            foreach (var route in root.GetProperty("responses").EnumerateObject())
            {
                var status = route.Value.TryGetProperty("status", out var s) ? s.GetInt32() : 200;
                routes[route.Name] = new StubResponse(route.Value.GetProperty("body").GetRawText(), status);
            }

            return new GoldenCase(
                root.GetProperty("mapping").GetString()!,
                root.GetProperty("source").GetString()!,
                FakeTimeProvider.At(root.GetProperty("today").GetString()!),
                routes);
        }

        public bool HasDetail(string sourceId) =>
            Routes.Any(r => r.Value.Status == 200 && r.Key.EndsWith("/" + sourceId, StringComparison.Ordinal));
    }
}
