using InvoiceGateway.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>The invoice page shows the EN 16931 verdict with the broken rules, and downloads the UBL document.</summary>
public sealed class EInvoicePageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Invoice_ShowsItsEn16931Verdict_AndDownloadsItsUbl()
    {
        // The shared gateway has no Owner configured, so SendRegning's complete invoice lacks the seller's VAT id.
        var check = await fixture.Gateway.Client.GetJsonAsync("v1/invoices/sendregning:200/en16931");
        Assert.False((bool)check["valid"]!);
        await using var console = await fixture.OpenAsync(fixture.Gateway);

        await console.GoToAsync("#/invoices/sendregning%3A200", "#en16931-verdict");

        await Assertions.Expect(console.Page.Locator("#en16931-verdict")).ToContainTextAsync("invalid");
        var rules = check["rules"]!.AsArray();
        await Assertions.Expect(console.Page.Locator("#en16931-rules tbody tr")).ToHaveCountAsync(rules.Count);
        await Assertions.Expect(console.Page.Locator("#en16931-rules tbody tr").First).ToContainTextAsync((string)rules[0]!["id"]!);
        var download = await console.Page.RunAndWaitForDownloadAsync(() => console.Page.Locator("#download-ubl").ClickAsync());
        var xml = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal("sendregning_200.xml", download.SuggestedFilename);
        Assert.Contains("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", xml, StringComparison.Ordinal);
        await Assertions.Expect(console.Page.Locator("#ubl-status")).ToContainTextAsync("X-EN16931: invalid; rules=BR-S-02");
        console.AssertNoErrors();
    }
}
