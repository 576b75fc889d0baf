using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests.Infrastructure;

/// <summary>A page of the console in its own browser context, with every console error and uncaught exception it produced.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _errors = new();

    public ConsolePage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _errors.Enqueue($"console.{message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"uncaught: {error}");
    }

    public IPage Page { get; }

    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Opens a console route (the part after #) and waits until its page has rendered.</summary>
    public async Task GoToAsync(string route, string readySelector)
    {
        await Page.GotoAsync("/" + route);
        await Page.WaitForSelectorAsync(readySelector);
    }

    /// <summary>The ids of the invoice rows shown, in order.</summary>
    public async Task<IReadOnlyList<string>> InvoiceIdsAsync() =>
        await Page.Locator("#invoice-list tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");

    /// <summary>
    /// Waits (up to the page's timeout) until the rows shown are exactly <paramref name="expected"/>, in order, then
    /// asserts it: a page renders after its API answer arrives, and the rows before it must not count.
    /// </summary>
    public async Task ExpectInvoiceIdsAsync(IReadOnlyList<string> expected)
    {
        try
        {
            await Page.WaitForFunctionAsync(
                "expected => JSON.stringify([...document.querySelectorAll('#invoice-list tbody tr')].map(r => r.dataset.id)) === JSON.stringify(expected)",
                expected);
        }
        catch (TimeoutException)
        {
            // Falls through to the assertion, which shows the difference.
        }

        Assert.Equal(expected, await InvoiceIdsAsync());
    }

    /// <summary>Fails with every error the page logged except those <paramref name="expected"/> accepts.</summary>
    public void AssertNoErrors(Func<string, bool>? expected = null)
    {
        var unexpected = _errors.Where(e => expected is null || !expected(e)).ToArray();
        Assert.True(unexpected.Length == 0, "the page logged errors:\n" + string.Join("\n", unexpected));
    }

    /// <summary>A full-page screenshot under TestResults/console/, kept as a test artifact.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(Artifacts.Directory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.Directory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

/// <summary>Where screenshots go: TestResults/console/ at the repository root (beside the TRX files), else beside the tests.</summary>
public static class Artifacts
{
    public static string Directory { get; } = Locate();

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "InvoiceGateway.sln")))
            {
                return Path.Combine(folder.FullName, "TestResults", "console");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "TestResults", "console");
    }
}
