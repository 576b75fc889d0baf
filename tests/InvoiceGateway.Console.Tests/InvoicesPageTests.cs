using System.Text.Json.Nodes;
using InvoiceGateway.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>The Invoices page against the API it calls: what it shows is what the API answers for the same query.</summary>
public sealed class InvoicesPageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task List_ShowsTheInvoicesTheApiReturnsForTheSameQuery_WithOverdueOnesMarked()
    {
        const string query = "limit=25&sort=-gross";
        var expected = await fixture.Gateway.Client.GetJsonAsync("v1/invoices?" + query);
        await using var console = await fixture.OpenAsync(fixture.Gateway);

        await console.GoToAsync("#/invoices?" + query, "#invoice-list tbody tr");

        await console.ExpectInvoiceIdsAsync(expected.Ids());
        var overdue = expected["data"]!.AsArray().Where(IsOverdue).Select(i => i!["id"]!.GetValue<string>()).ToArray();
        Assert.NotEmpty(overdue);
        Assert.Equal(overdue, await console.Page.Locator("#invoice-list tbody tr.overdue")
            .EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"));
        await Assertions.Expect(console.Page.Locator("#invoice-list tbody tr.overdue").First).ToContainTextAsync("overdue");
        foreach (var source in expected["sources"]!.AsArray())
        {
            await Assertions.Expect(console.Page.Locator($"#source-states tr[data-source='{source!["name"]}']"))
                .ToHaveAttributeAsync("data-state", source["state"]!.GetValue<string>());
        }

        await console.Page.WaitForSelectorAsync("#totals");
        await console.ScreenshotAsync("invoices");
        console.AssertNoErrors();
    }

    // Before the canonical model had its overdue flag, gateways said "overdue" as a status.
    private static bool IsOverdue(JsonNode? invoice) =>
        invoice!["overdue"]?.GetValue<bool>() == true || (string?)invoice["status"] == "overdue";

    [Fact]
    public async Task Totals_CountEveryMatchingInvoicePerCurrencyAndStatus()
    {
        var all = await fixture.Gateway.Client.GetAllAsync("limit=500&status=open,paid");
        await using var console = await fixture.OpenAsync(fixture.Gateway);

        await console.GoToAsync("#/invoices?status=open,paid&limit=10", "#totals tbody tr");

        var expected = all.GroupBy(i => (Currency: (string?)i["currency"] ?? "(none)", Status: (string)i["status"]!))
            .ToDictionary(g => $"{g.Key.Currency}|{g.Key.Status}", g => g.Count());
        var shown = await console.Page.Locator("#totals tbody tr").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => `${r.dataset.currency}|${r.dataset.status}|${r.cells[2].textContent}`)");
        Assert.Equal(
            expected.Select(e => $"{e.Key}|{e.Value}").Order(StringComparer.Ordinal),
            shown.Order(StringComparer.Ordinal));
        await Assertions.Expect(console.Page.Locator("#totals-status")).ToContainTextAsync($"all {all.Count} matching invoices");
        console.AssertNoErrors();
    }

    [Fact]
    public async Task FilterAndNextPage_ShowWhatTheApiReturnsForThem()
    {
        var firstPage = await fixture.Gateway.Client.GetJsonAsync("v1/invoices?limit=10&status=open");
        var next = firstPage.Next();
        Assert.NotNull(next);
        var secondPage = await fixture.Gateway.Client.GetJsonAsync("v1/invoices?limit=10&status=open&cursor=" + Uri.EscapeDataString(next));
        await using var console = await fixture.OpenAsync(fixture.Gateway);
        await console.GoToAsync("#/invoices?limit=10", "#invoice-list tbody tr");

        await console.Page.GetByRole(AriaRole.Group, new() { Name = "Status" }).GetByLabel("open", new() { Exact = true }).CheckAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await console.Page.WaitForURLAsync("**/#/invoices?status=open&limit=10");
        await Assertions.Expect(console.Page.Locator("#results-summary")).ToHaveTextAsync($"Page 1: {firstPage.Ids().Length} invoices.");
        await console.ExpectInvoiceIdsAsync(firstPage.Ids());

        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#results-summary")).ToContainTextAsync("Page 2:");
        await console.ExpectInvoiceIdsAsync(secondPage.Ids());
        Assert.Contains("cursor=", console.Page.Url, StringComparison.Ordinal);

        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Previous page" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#results-summary")).ToContainTextAsync("Page 1:");
        await console.ExpectInvoiceIdsAsync(firstPage.Ids());
        console.AssertNoErrors();
    }
}
