using System.Text.Json.Nodes;
using InvoiceGateway.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>One invoice, opened from the list: its fields, its lines and its raw payload as the API gives them.</summary>
public sealed class InvoicePageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Invoice_OpensFromTheList_WithItsLinesWarningsAndRawPayload()
    {
        var all = await fixture.Gateway.Client.GetAllAsync("limit=500");
        JsonObject? detail = null;
        foreach (var candidate in all.Where(i => i["lines"]!.AsArray().Count > 1))
        {
            detail = await fixture.Gateway.Client.GetJsonAsync($"v1/invoices/{Uri.EscapeDataString((string)candidate["id"]!)}?include=raw");
            break;
        }

        Assert.NotNull(detail);
        var id = (string)detail["id"]!;
        var title = $"Invoice {(string?)detail["number"] ?? (string)detail["sourceId"]!}";
        await using var console = await fixture.OpenAsync(fixture.Gateway);
        await console.GoToAsync($"#/invoices?limit=500&source={detail["source"]}", "#invoice-list tbody tr");

        await console.Page.Locator($"#invoice-list tr[data-id='{id}'] a").ClickAsync();

        await Assertions.Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title);
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        var lines = detail["lines"]!.AsArray();
        await Assertions.Expect(console.Page.Locator("#lines tbody tr")).ToHaveCountAsync(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            if ((string?)lines[i]!["description"] is { } description)
            {
                await Assertions.Expect(console.Page.Locator("#lines tbody tr").Nth(i)).ToContainTextAsync(description);
            }
        }

        var summary = console.Page.GetByRole(AriaRole.Region, new() { Name = "Summary" });
        await Assertions.Expect(summary).ToContainTextAsync(id);
        await Assertions.Expect(summary).ToContainTextAsync((string)detail["currency"]!);
        foreach (var (party, region) in new[] { ("issuer", "Issuer (seller)"), ("recipient", "Recipient (buyer)") })
        {
            if ((string?)detail[party]?["name"] is { } name)
            {
                await Assertions.Expect(console.Page.GetByRole(AriaRole.Region, new() { Name = region })).ToContainTextAsync(name);
            }
        }

        await Assertions.Expect(console.Page.GetByRole(AriaRole.Region, new() { Name = "Totals" }))
            .ToContainTextAsync($"Gross [BT-112]");
        var warnings = detail["warnings"]!.AsArray();
        if (warnings.Count > 0)
        {
            await Assertions.Expect(console.Page.Locator("#warnings li")).ToHaveCountAsync(warnings.Count);
        }

        await console.Page.GetByText("The payload as the source sent it").ClickAsync();
        var raw = JsonNode.Parse(await console.Page.Locator("pre.raw").TextContentAsync() ?? "null");
        Assert.True(JsonNode.DeepEquals(detail["raw"], raw), "the raw payload shown is not the one the API gave");
        await console.ScreenshotAsync("invoice");
        console.AssertNoErrors();
    }
}
