using InvoiceGateway.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>The Sources page: every source the API lists with its health and circuit.</summary>
public sealed class SourcesPageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Sources_ListsEverySourceOfTheApiWithHealthAndCircuit()
    {
        var expected = (await fixture.Gateway.Client.GetJsonArrayAsync("v1/sources")).Select(s => s!.AsObject()).ToArray();
        await using var console = await fixture.OpenAsync(fixture.Gateway);

        await console.GoToAsync("#/sources", "#sources tbody tr");

        await Assertions.Expect(console.Page.Locator("#sources tbody tr")).ToHaveCountAsync(expected.Length);
        foreach (var source in expected)
        {
            var row = console.Page.Locator($"#sources tr[data-source='{source["name"]}']");
            await Assertions.Expect(row).ToContainTextAsync((string)source["adapter"]!);
            await Assertions.Expect(row).ToContainTextAsync((string)source["health"]!);
        }

        // Without keys the admin endpoints are off: the page says so instead of offering a button that cannot work.
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Button, new() { Name = "Refresh goscore" })).ToHaveCountAsync(0);
        await Assertions.Expect(console.Page.GetByText("Refreshing a source needs an admin key")).ToBeVisibleAsync();
        await console.ScreenshotAsync("sources");
        console.AssertNoErrors();
    }
}
