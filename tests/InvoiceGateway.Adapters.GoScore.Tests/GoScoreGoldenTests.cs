using InvoiceGateway.Adapters.GoScore.Tests.Support;

namespace InvoiceGateway.Adapters.GoScore.Tests;

public class GoScoreGoldenTests
{
    public static TheoryData<string> Cases => GoldenFiles.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task List_WhenServedGoldenInput_ProducesExpectedCanonicalJson(string caseName)
    {
        var body = GoldenFiles.Input(caseName + ".input.json");
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));

        var listing = await GoScoreFixture.Create(handler).ListAsync(TestContext.Current.CancellationToken);

        Assert.Empty(listing.Notices);
        GoldenFiles.AssertMatches(caseName, listing.Invoices);
    }

    [Fact]
    public async Task List_WhenServedTheSeed_KeepsTheEntryAsRaw()
    {
        var body = GoldenFiles.Input("seed.input.json");
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));

        var listing = await GoScoreFixture.Create(handler).ListAsync(TestContext.Current.CancellationToken);

        var raw = Assert.Single(listing.Invoices).Raw?.ToElement();
        Assert.NotNull(raw);
        Assert.Equal("8599002184", raw.Value.GetProperty("id").GetString());
        Assert.Equal("463.0", raw.Value.GetProperty("amount").GetRawText());
    }
}
