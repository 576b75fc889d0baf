using InvoiceGateway.Console.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>A source that fails while the others answer: the page says which one failed and why, and lists the rest.</summary>
public sealed class FailedSourceTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task List_WhenOneSourceFails_ShowsItAsFailedAndListsTheOthers()
    {
        // The fault is set before the gateway starts: its background sync reads every source at start, and a read that
        // came before the fault would be served from the cache as a complete list.
        var (sandbox, gateway) = await ConsoleFixture.StartGatewayAsync(
            sandbox => sandbox.Faults.Set("sendcloud", new SandboxFault { Status = 500 }));
        await using var _ = sandbox;
        await using var __ = gateway;
        await using var console = await fixture.OpenAsync(gateway);

        await console.GoToAsync("#/invoices?limit=50", "#invoice-list tbody tr");

        var expected = await gateway.Client.GetJsonAsync("v1/invoices?limit=50");
        Assert.False(expected["complete"]!.GetValue<bool>());
        await console.ExpectInvoiceIdsAsync(expected.Ids());
        Assert.DoesNotContain(await console.InvoiceIdsAsync(), id => id.StartsWith("sendcloud:", StringComparison.Ordinal));
        var failed = console.Page.Locator("#source-states tr[data-source='sendcloud']");
        await Assertions.Expect(failed).ToHaveAttributeAsync("data-state", "failed");
        await Assertions.Expect(failed).ToContainTextAsync("failed");
        var error = expected["sources"]!.AsArray().Single(s => (string)s!["name"]! == "sendcloud")!["error"]!;
        await Assertions.Expect(failed).ToContainTextAsync((string)error["message"]!);
        await Assertions.Expect(console.Page.Locator("#incomplete")).ToContainTextAsync("failed: sendcloud");
        foreach (var name in new[] { "goscore", "sendregning", "ibana", "dollr" })
        {
            await Assertions.Expect(console.Page.Locator($"#source-states tr[data-source='{name}']")).ToHaveAttributeAsync("data-state", "ok");
        }

        await console.ScreenshotAsync("invoices-failed-source");
        console.AssertNoErrors();
    }
}
