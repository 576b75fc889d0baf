using InvoiceGateway.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>A gateway with keys: the console asks for one, keeps it in sessionStorage only, and offers admins a refresh.</summary>
public sealed class ApiKeyTests(ConsoleFixture fixture)
{
    private const string AdminKey = "console-test-admin-key-0123456789";

    [Fact]
    public async Task Console_WithKeysConfigured_AsksForAKey_KeepsItOutOfTheUrl_AndLetsAnAdminRefresh()
    {
        var (sandbox, gateway) = await ConsoleFixture.StartGatewayAsync(
            ("Gateway:ApiKeys:0:Name", "ops"),
            ("Gateway:ApiKeys:0:Key", AdminKey),
            ("Gateway:ApiKeys:0:Sources:0", "*"),
            ("Gateway:ApiKeys:0:Admin", "true"));
        await using var _ = sandbox;
        await using var __ = gateway;
        var expected = await gateway.Client.GetJsonAsync("v1/invoices?limit=10", AdminKey);
        await using var console = await fixture.OpenAsync(gateway);

        await console.GoToAsync("#/invoices?limit=10", "[role=alert]");
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("API key");

        await console.Page.GetByLabel("API key").FillAsync(AdminKey);
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await console.Page.WaitForSelectorAsync("#invoice-list tbody tr");
        await console.ExpectInvoiceIdsAsync(expected.Ids());
        Assert.Equal(AdminKey, await console.Page.EvaluateAsync<string>("() => sessionStorage.getItem('invoicegateway.apiKey')"));
        Assert.DoesNotContain(AdminKey, console.Page.Url, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await console.Page.GetByLabel("API key").InputValueAsync());

        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Sources" }).ClickAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh goscore" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#refresh-outcome")).ToContainTextAsync("goscore: ok");
        Assert.DoesNotContain(AdminKey, console.Page.Url, StringComparison.Ordinal);

        // The answer to the first, keyless call is a 401, which the browser itself reports as a failed resource.
        console.AssertNoErrors(expected: e => e.Contains("status of 401", StringComparison.Ordinal));
    }
}
