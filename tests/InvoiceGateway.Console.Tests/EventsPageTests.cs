using System.Text;
using System.Text.Json.Nodes;
using InvoiceGateway.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>
/// The Events page against a gateway whose background sync reads the sandbox every second: a change made to the
/// sandbox's data while the test runs shows up as an invoice.updated with its fields from → to.
/// </summary>
public sealed class EventsPageTests(ConsoleFixture fixture)
{
    private const string Updated = "invoice.updated";

    [Fact]
    public async Task SandboxChange_IsShownAsInvoiceUpdatedWithItsChanges_AndTheTypeAndSourceFiltersNarrowTheFeed()
    {
        var live = await fixture.LiveAsync();
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: LiveGateway.AppKey);
        await console.GoToAsync("#/events", "#events tbody tr");
        await Assertions.Expect(console.Page.Locator("#events tr[data-type='connection.synced']").First).ToBeVisibleAsync();

        // Sendcloud's invoice 2 paid at the source; the feed has it once the next read (within a second or two) saw it.
        await live.ChangeAsync(HttpMethod.Patch, "_sandbox/data/sendcloud/invoices/2", """{"isPayed":true}""");
        await live.WaitForEventsAsync("types=" + Updated, e => e.Any(x => (string?)x["invoiceId"] == "sendcloud:2"));

        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Load more" }).ClickAsync();
        var row = console.Page.Locator($"#events tr[data-type='{Updated}'][data-invoice='sendcloud:2']");
        await Assertions.Expect(row).ToContainTextAsync("status: open");
        await Assertions.Expect(row).ToContainTextAsync("paid");
        await Assertions.Expect(row.Locator("a[href='#/invoices/sendcloud%3A2']")).ToBeVisibleAsync();
        await console.ScreenshotAsync("events");

        // The type filter: only invoice.updated, exactly the feed's answer for that type, and in the hash.
        await console.Page.GetByLabel(Updated).CheckAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await console.Page.WaitForURLAsync("**/#/events?types=invoice.updated");
        var updates = await live.WaitForEventsAsync("types=" + Updated, _ => true);
        await Assertions.Expect(console.Page.Locator("#events tbody tr")).ToHaveCountAsync(updates.Count);
        Assert.Equal(updates.Select(e => (string)e["id"]!), await RowIdsAsync(console.Page));
        await Assertions.Expect(console.Page.Locator("#events tr[data-type='connection.synced']")).ToHaveCountAsync(0);

        // And a source: Sendcloud's updates only.
        await console.Page.GetByLabel("Source").SelectOptionAsync("sendcloud");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await console.Page.WaitForURLAsync("**/#/events?types=invoice.updated&source=sendcloud");
        var fromSendcloud = updates.Where(e => (string?)e["source"] == "sendcloud").Select(e => (string)e["id"]!).ToArray();
        await Assertions.Expect(console.Page.Locator("#events tbody tr")).ToHaveCountAsync(fromSendcloud.Length);
        Assert.Equal(fromSendcloud, await RowIdsAsync(console.Page));
        console.AssertNoErrors();
    }

    [Fact]
    public async Task LiveMode_ShowsANewEventWithoutAReload_AndStopsPollingWhenThePageIsLeft()
    {
        var live = await fixture.LiveAsync();
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: LiveGateway.AppKey);
        await console.GoToAsync("#/events?types=invoice.updated&source=dollr", "#events-status");
        await Assertions.Expect(console.Page.Locator("#events tr[data-invoice='dollr:123']")).ToHaveCountAsync(0);
        await console.Page.EvaluateAsync("() => { window.sameDocument = true; }");

        var polling = console.Page.WaitForRequestAsync(r => r.Url.Contains("/v1/events?", StringComparison.Ordinal) && r.Url.Contains("wait=", StringComparison.Ordinal));
        var toggle = console.Page.GetByRole(AriaRole.Button, new() { Name = "Live updates" });
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await polling;

        await live.ChangeAsync(HttpMethod.Patch, "_sandbox/data/dollr/invoices/123", """{"status":"PAID","paid_at":"2023-11-01T10:00:00Z"}""");
        var row = console.Page.Locator($"#events tr[data-type='{Updated}'][data-invoice='dollr:123']");
        await Assertions.Expect(row).ToContainTextAsync("status: open");
        Assert.True(await console.Page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        await Assertions.Expect(console.Page.Locator("#events-status")).ToContainTextAsync("new event");

        // Leaving the page calls off the poll under way, and no other starts after that.
        var afterAbort = 0;
        var aborted = new TaskCompletionSource();
        console.Page.RequestFailed += (_, request) =>
        {
            if (request.Url.Contains("/v1/events", StringComparison.Ordinal))
            {
                aborted.TrySetResult();
            }
        };
        console.Page.Request += (_, request) =>
        {
            if (aborted.Task.IsCompleted && request.Url.Contains("/v1/events", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref afterAbort);
            }
        };
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Sources", Exact = true }).ClickAsync();
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await console.Page.WaitForSelectorAsync("#sources tbody tr");
        Assert.Equal(0, Volatile.Read(ref afterAbort));
        console.AssertNoErrors();
    }

    [Fact]
    public async Task ExpiredCursor_SaysSoPlainly_AndStartsAgainFromTheOldestEvent()
    {
        var live = await fixture.LiveAsync();
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: LiveGateway.AppKey);

        // A cursor given out 30 days ago, past the 7 days events are kept (the cursor is base64url of "sequence.unix seconds").
        var issued = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds();
        var expired = Convert.ToBase64String(Encoding.ASCII.GetBytes($"1.{issued}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await console.GoToAsync("#/events?after=" + expired, "#cursor-expired");

        await Assertions.Expect(console.Page.Locator("#cursor-expired")).ToContainTextAsync("The cursor expired");
        await Assertions.Expect(console.Page.Locator("#events tr[data-type='connection.synced']")).ToHaveCountAsync(SourceCount);
        Assert.DoesNotContain("after=", console.Page.Url, StringComparison.Ordinal);

        // The browser reports the 410 itself as a failed resource; the page shows it as the notice above.
        console.AssertNoErrors(expected: e => e.Contains("status of 410", StringComparison.Ordinal));
    }

    private static int SourceCount => Gateway.Tests.Infrastructure.SandboxConfig.SourceNames.Length;

    private static async Task<string[]> RowIdsAsync(IPage page) =>
        await page.Locator("#events tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
}
