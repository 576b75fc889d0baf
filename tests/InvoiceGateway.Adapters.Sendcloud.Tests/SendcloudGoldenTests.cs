using System.Net;
using System.Text.Json;
using InvoiceGateway.Adapters.Sendcloud.Tests.Support;

namespace InvoiceGateway.Adapters.Sendcloud.Tests;

/// <summary><c>list*</c> cases are served as <c>user/invoices</c>, <c>detail*</c> cases as <c>user/invoices/{id}</c>.</summary>
public class SendcloudGoldenTests
{
    public static TheoryData<string> Cases => GoldenFiles.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Source_WhenServedGoldenInput_ProducesExpectedCanonicalJson(string caseName)
    {
        var body = GoldenFiles.Input(caseName + ".input.json");
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body));
        var source = SendcloudFixture.Create(handler);

        if (caseName.StartsWith("detail", StringComparison.Ordinal))
        {
            using var input = JsonDocument.Parse(body);
            var id = input.RootElement.GetProperty("invoice").GetProperty("id").GetRawText().Trim('"');

            var invoice = await source.GetAsync(id, TestContext.Current.CancellationToken);

            Assert.Equal($"/api/v2/user/invoices/{id}", Assert.Single(handler.Requests).AbsolutePath);
            GoldenFiles.AssertMatches(caseName, invoice!);
        }
        else
        {
            var listing = await source.ListAsync(TestContext.Current.CancellationToken);

            Assert.Equal("/api/v2/user/invoices", Assert.Single(handler.Requests).AbsolutePath);
            Assert.Empty(listing.Notices);
            GoldenFiles.AssertMatches(caseName, listing.Invoices);
        }
    }

    [Fact]
    public async Task Get_WhenServedTheSeedDetail_KeepsTheInvoiceObjectAsRaw()
    {
        var body = GoldenFiles.Input("detail-seed.input.json");
        var handler = new StubHttpHandler(_ => StubHttpHandler.Json(body, HttpStatusCode.OK));

        var invoice = await SendcloudFixture.Create(handler).GetAsync("1", TestContext.Current.CancellationToken);

        Assert.Equal(4, invoice!.Raw!.Value.ToElement().GetProperty("items").GetArrayLength());
    }
}
