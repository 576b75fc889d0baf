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
        foreach (var invoice in expected["data"]!.AsArray().Where(IsOverdue))
        {
            var days = invoice!["daysOverdue"]!.GetValue<int>();
            await Assertions.Expect(console.Page.Locator($"#invoice-list tr[data-id='{invoice["id"]}'] .badge-overdue"))
                .ToHaveTextAsync($"overdue {days} {(days == 1 ? "day" : "days")}");
        }

        foreach (var source in expected["sources"]!.AsArray())
        {
            await Assertions.Expect(console.Page.Locator($"#source-states tr[data-source='{source!["name"]}']"))
                .ToHaveAttributeAsync("data-state", source["state"]!.GetValue<string>());
        }

        await console.Page.WaitForSelectorAsync("#totals");
        await console.ScreenshotAsync("invoices");
        console.AssertNoErrors();
    }

    private static bool IsOverdue(JsonNode? invoice) => invoice!["overdue"]!.GetValue<bool>();

    [Fact]
    public async Task OverdueFilter_AsksTheApiForOverdueTrue_AndShowsWhatItReturns()
    {
        var expected = await fixture.Gateway.Client.GetJsonAsync("v1/invoices?overdue=true&limit=25");
        var all = await fixture.Gateway.Client.GetAllAsync("limit=500&overdue=true");
        Assert.NotEmpty(expected.Ids());
        await using var console = await fixture.OpenAsync(fixture.Gateway);
        await console.GoToAsync("#/invoices?limit=25", "#invoice-list tbody tr");

        await console.Page.GetByLabel("Overdue", new() { Exact = true }).SelectOptionAsync("true");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();

        await console.Page.WaitForURLAsync("**/#/invoices?overdue=true&limit=25");
        await console.ExpectInvoiceIdsAsync(expected.Ids());
        await Assertions.Expect(console.Page.Locator("#invoice-list tbody tr:not(.overdue)")).ToHaveCountAsync(0);
        // Every matching invoice, on every page, is counted as overdue in the totals.
        await console.Page.WaitForSelectorAsync("#totals");
        var totals = await console.Page.Locator("#totals tbody tr").EvaluateAllAsync<int[][]>(
            "rows => rows.map(r => [Number(r.cells[2].textContent), Number(r.cells[5].textContent)])");
        Assert.Equal(all.Count, totals.Sum(t => t[0]));
        Assert.All(totals, t => Assert.Equal(t[0], t[1]));
        await console.ScreenshotAsync("invoices-overdue");
        console.AssertNoErrors();
    }

    [Fact]
    public async Task KindFilter_OffersReminders_AndShowsWhatTheApiReturnsForThem()
    {
        var expected = await fixture.Gateway.Client.GetJsonAsync("v1/invoices?kind=reminder,creditNote&limit=50");
        await using var console = await fixture.OpenAsync(fixture.Gateway);
        await console.GoToAsync("#/invoices", "#invoice-list tbody tr");

        var kind = console.Page.GetByRole(AriaRole.Group, new() { Name = "Kind" });
        await kind.GetByLabel("reminder", new() { Exact = true }).CheckAsync();
        await kind.GetByLabel("credit note", new() { Exact = true }).CheckAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();

        await console.Page.WaitForURLAsync("**/#/invoices?kind=creditNote%2Creminder");
        var count = expected.Ids().Length;
        await Assertions.Expect(console.Page.Locator("#results-summary")).ToHaveTextAsync($"Page 1: {count} invoice{(count == 1 ? "" : "s")}.");
        await console.ExpectInvoiceIdsAsync(expected.Ids());
        console.AssertNoErrors();
    }

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
