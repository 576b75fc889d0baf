using InvoiceGateway.Console.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Webhooks;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>
/// Each page usable by keyboard and screen reader: every control has a label, headings go down one level at a
/// time, text has AA contrast, Tab reaches every control, and on a phone-sized screen nothing runs off the side of the page.
/// </summary>
public sealed class AccessibilityTests(ConsoleFixture fixture)
{
    public static TheoryData<string, string> Pages => new()
    {
        { "#/invoices?limit=10", "#totals" },
        { "#/sources", "#sources" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_HasLabelsHeadingsInOrderAndEveryControlReachableByTab(string route, string ready)
    {
        await using var console = await fixture.OpenAsync(fixture.Gateway);
        await console.GoToAsync(route, ready);
        await AssertAccessibleAsync(console.Page);
        console.AssertNoErrors();
    }

    [Fact]
    public async Task InvoicePage_HasLabelsHeadingsInOrderAndEveryControlReachableByTab()
    {
        var first = (await fixture.Gateway.Client.GetJsonAsync("v1/invoices?limit=1")).Ids()[0];
        await using var console = await fixture.OpenAsync(fixture.Gateway);
        await console.GoToAsync("#/invoices/" + Uri.EscapeDataString(first), "#section-summary");
        await AssertAccessibleAsync(console.Page);
        console.AssertNoErrors();
    }

    [Fact]
    public async Task EventsAndWebhookPages_HaveLabelsHeadingsInOrderEveryControlReachableByTab_AndFitAPhone()
    {
        var live = await fixture.LiveAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (key, webhook) = await WebhookWithADeliveryAsync(live, "console-a11y", receiver);
        foreach (var (route, ready, apiKey) in new[]
        {
            ("#/events", "#events tbody tr", LiveGateway.AppKey),
            ("#/webhooks", "#webhooks tbody tr", key),
            ($"#/webhooks/{webhook}", "#deliveries tr[data-status='succeeded']", key),
        })
        {
            await using (var console = await fixture.OpenAsync(live.Gateway, apiKey: apiKey))
            {
                await console.GoToAsync(route, ready);
                await AssertAccessibleAsync(console.Page);
                console.AssertNoErrors();
            }

            await using (var phone = await fixture.OpenAsync(live.Gateway, new ViewportSize { Width = 390, Height = 844 }, apiKey))
            {
                await phone.GoToAsync(route, ready);
                await AssertFitsAsync(phone.Page);
                phone.AssertNoErrors();
            }
        }
    }

    [Fact]
    public async Task InvoicesPage_OnAPhoneSizedScreen_FitsItsWidthAndScrollsTablesInPlace()
    {
        await using var console = await fixture.OpenAsync(fixture.Gateway, new ViewportSize { Width = 390, Height = 844 });
        await console.GoToAsync("#/invoices?limit=10", "#totals");
        await AssertFitsAsync(console.Page);
        await console.ScreenshotAsync("invoices-phone");
        console.AssertNoErrors();
    }

    /// <summary>
    /// A tenant of its own with a webhook and one delivery (a test ping) in its log, already delivered: a pending one
    /// would have the page read its log again while the test walks it with Tab.
    /// </summary>
    private static async Task<(string Key, string WebhookId)> WebhookWithADeliveryAsync(LiveGateway live, string tenant, WebhookReceiver receiver)
    {
        var key = await live.TenantKeyAsync(tenant);
        var webhook = (string)(await live.RegisterAsync(key, receiver.Url, "invoice.deleted"))["id"]!;
        await live.PingAsync(key, webhook);
        await receiver.WaitForAsync(1);
        return (key, webhook);
    }

    /// <summary>Nothing runs off the side of a phone-sized screen: wide tables scroll inside their own region.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        var widest = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.parentElement?.closest('.table-scroll'))
              .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`).slice(-5)
            """);
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than a 390px screen: {string.Join(", ", widest)}");
    }

    [Fact]
    public async Task Console_IsServedWithAContentSecurityPolicyWithoutInlineScripts()
    {
        using var response = await fixture.Gateway.Client.GetAsync("/", TestContext.Current.CancellationToken);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));

        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    internal static async Task AssertAccessibleAsync(IPage page)
    {
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea')]
              .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
              .map(e => e.outerHTML)
            """);
        Assert.Empty(unlabelled);

        var headings = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]))");
        Assert.Equal(1, headings[0]);
        Assert.Single(headings, level => level == 1);
        for (var i = 1; i < headings.Length; i++)
        {
            Assert.True(headings[i] <= headings[i - 1] + 1, $"heading {i} jumps from h{headings[i - 1]} to h{headings[i]}");
        }

        // WCAG AA: 4.5:1 for text, 3:1 for large text, against the nearest background actually painted.
        var lowContrast = await page.EvaluateAsync<string[]>("""
            () => {
              const parse = c => { const p = (c.match(/rgba?\(([^)]+)\)/)?.[1] ?? '').split(/[ ,\/]+/).filter(Boolean).map(Number); return p.length < 3 ? null : { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
              const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
              const background = e => { for (let n = e; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
              const failures = [];
              const seen = new Set();
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (walker.nextNode()) {
                const e = walker.currentNode.parentElement;
                if (!e || seen.has(e) || !walker.currentNode.textContent.trim() || !e.checkVisibility() || e.closest(':disabled, .sr-only')) continue;
                seen.add(e);
                const style = getComputedStyle(e);
                const a = luminance(parse(style.color)), b = luminance(background(e));
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                const size = parseFloat(style.fontSize);
                const needed = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
                if (ratio < needed) failures.push(`${e.tagName}.${e.className} "${walker.currentNode.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
              }
              return failures;
            }
            """);
        Assert.Empty(lowContrast);

        // Every visible control gets a number; Tab from the top of the page must land on each of them.
        var focusable = await page.EvaluateAsync<int>("""
            () => {
              const all = [...document.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])')]
                .filter(e => e.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }));
              all.forEach((e, i) => e.dataset.tabCheck = String(i));
              return all.length;
            }
            """);
        Assert.True(focusable > 3, "the page has almost no controls: did it render?");
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        var reached = new HashSet<string>(StringComparer.Ordinal);
        // A date input takes a Tab per part (day, month, year, ...): the budget allows for that.
        for (var press = 0; press < (focusable * 3) + 20 && reached.Count < focusable; press++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement?.dataset.tabCheck ?? null") is { } index)
            {
                reached.Add(index);
            }
        }

        var missed = await page.EvaluateAsync<string[]>(
            "reached => [...document.querySelectorAll('[data-tab-check]')].filter(e => !reached.includes(e.dataset.tabCheck)).map(e => e.outerHTML.slice(0, 120))",
            reached.ToArray());
        Assert.Empty(missed);
    }
}
