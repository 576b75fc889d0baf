using InvoiceGateway.Adapters.SendRegning.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Tests;

public class SendRegningGoldenTests
{
    public static TheoryData<string> Cases => GoldenFiles.Cases();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task List_WhenServedGoldenInput_ProducesExpectedCanonicalJson(string caseName)
    {
        var body = GoldenFiles.Input(caseName + ".input.json");
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));

        var listing = await SendRegningFixture.Create(handler).ListAsync(Cancel);

        Assert.Equal("/v1/invoices/?page=1&perPage=100", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Empty(listing.Notices);
        GoldenFiles.AssertMatches(caseName, listing.Invoices);
    }

    [Fact]
    public async Task List_WhenServedTheSeedVerbatimWithItsMissingComma_ThrowsPayloadErrorNamingSourceAndPosition()
    {
        var body = GoldenFiles.Input("seed-missing-comma.invalid.json");
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));
        // The parser stops at the property name that follows "47474747" without a comma.
        var position = body.IndexOf("\"47474747\" \"address\"", StringComparison.Ordinal) + "\"47474747\" ".Length + 1;

        var error = await Assert.ThrowsAsync<UpstreamException>(() => SendRegningFixture.Create(handler).ListAsync(Cancel));

        Assert.Equal(UpstreamErrorCodes.Payload, error.Code);
        Assert.Equal($"Source 'sendregning' sent invalid JSON to GET /v1/invoices/ at line 1, position {position}.", error.Message);
    }

    [Fact]
    public async Task Get_WhenServedTheSeedInvoice_ProducesTheSameInvoiceAsTheList()
    {
        var seed = GoldenFiles.Input("seed.input.json").Trim();
        var single = seed[1..^1].Trim();
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(single));

        var invoice = await SendRegningFixture.Create(handler).GetAsync("123", Cancel);

        Assert.Equal("/v1/invoices/123", Assert.Single(handler.Requests).AbsolutePath);
        GoldenFiles.AssertMatches("seed", [invoice!]);
    }
}
