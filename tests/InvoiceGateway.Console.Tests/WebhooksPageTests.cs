using System.Text.Json.Nodes;
using InvoiceGateway.Console.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Webhooks;
using Microsoft.Playwright;
using StandardWebhooks;

namespace InvoiceGateway.Console.Tests;

/// <summary>
/// The Webhooks pages against a real receiver on Kestrel: register, the secret shown once, test ping, the delivery log,
/// retry now, enable/disable, delete, refusals next to the form, and another tenant's webhook hidden like a missing one.
/// Each test is a tenant of its own (its own key), so it sees only its own webhooks.
/// </summary>
public sealed class WebhooksPageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Register_ShowsTheSecretOnce_AndATestPingArrivesSignedAndIsLoggedAsSucceeded()
    {
        var live = await fixture.LiveAsync();
        var key = await live.TenantKeyAsync("console-register");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: key);
        await console.GoToAsync("#/webhooks", "#register-form");
        await Assertions.Expect(console.Page.Locator("#no-webhooks")).ToBeVisibleAsync();

        await console.Page.GetByLabel("URL", new() { Exact = true }).FillAsync(receiver.Url.ToString());
        await console.Page.GetByLabel("Description (optional)").FillAsync("Books app");
        await console.Page.GetByLabel("invoice.deleted").CheckAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Register webhook" }).ClickAsync();

        var secretField = console.Page.GetByRole(AriaRole.Textbox, new() { Name = "Signing secret" });
        await Assertions.Expect(secretField).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^whsec_"));
        var secret = await secretField.InputValueAsync();
        await Assertions.Expect(console.Page.Locator("#secret-hint")).ToContainTextAsync("this once and never again");
        await Assertions.Expect(console.Page.Locator("h1")).ToHaveTextAsync("Webhook Books app");
        var id = console.Page.Url.Split("#/webhooks/")[1];

        // The test ping reaches the receiver signed with exactly the secret the page showed, and is logged as succeeded.
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send test ping" }).ClickAsync();
        var ping = Assert.Single(await receiver.WaitForAsync(1));
        new StandardWebhook(secret).Verify(ping.Body, ping.AsHeaderDictionary());
        Assert.Equal("webhook.test", (string?)JsonNode.Parse(ping.Body)!["type"]);
        var delivery = console.Page.Locator("#deliveries tbody tr").First;
        await Assertions.Expect(delivery).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(delivery).ToContainTextAsync("webhook.test");
        await Assertions.Expect(delivery.Locator("ol.attempts li")).ToContainTextAsync("HTTP 200");

        // Never again: not after a reload, not on coming back from the list, not in any answer of the API.
        await console.Page.ReloadAsync();
        await console.Page.WaitForSelectorAsync("#deliveries tbody tr");
        await Assertions.Expect(console.Page.Locator("#webhook-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await console.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await live.Http.GetJsonAsync($"v1/webhooks/{id}", key)).ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await live.Http.GetJsonArrayAsync("v1/webhooks", key)).ToJsonString(), StringComparison.Ordinal);
        await console.ScreenshotAsync("webhook");
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Back to the webhooks" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator($"#webhooks tr[data-id='{id}']")).ToContainTextAsync("invoice.deleted");
        await console.ScreenshotAsync("webhooks");
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Books app" }).ClickAsync();
        await console.Page.WaitForSelectorAsync("#deliveries tbody tr");
        await Assertions.Expect(console.Page.Locator("#webhook-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await console.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await console.Page.EvaluateAsync<string>("() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + location.href"), StringComparison.Ordinal);
        console.AssertNoErrors();
    }

    [Fact]
    public async Task FailingReceiver_ShowsTheFailedAttempt_AndRetryNowDeliversIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (live, key, id) = await WebhookOfItsOwnAsync("console-retry", receiver);
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: key);
        await console.GoToAsync($"#/webhooks/{id}", "#no-deliveries");

        receiver.AnswerAll = 500;
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send test ping" }).ClickAsync();
        var delivery = console.Page.Locator("#deliveries tbody tr").First;
        await Assertions.Expect(delivery.Locator("ol.attempts li").First).ToContainTextAsync("HTTP 500");
        await Assertions.Expect(delivery).ToHaveAttributeAsync("data-status", "pending");
        await Assertions.Expect(delivery.Locator("ol.attempts li").First).ToContainTextAsync("retry at");

        // The receiver is fixed; "Retry now" sends it at once (not at the scheduled retry) and the log says succeeded.
        receiver.AnswerAll = null;
        var retried = console.Page.WaitForResponseAsync(r => r.Url.Contains("/retry", StringComparison.Ordinal));
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Retry now" }).ClickAsync();
        Assert.Equal(202, (await retried).Status);
        await Assertions.Expect(delivery).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(delivery.Locator("ol.attempts li").Last).ToContainTextAsync("HTTP 200");
        Assert.Equal(200, receiver.Received.Last().Answered);

        // Only succeeded ones: the status filter is kept in the hash.
        await console.Page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("failed");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await console.Page.WaitForURLAsync($"**/#/webhooks/{id}?status=failed");
        await Assertions.Expect(console.Page.Locator("#no-deliveries")).ToBeVisibleAsync();
        console.AssertNoErrors();
    }

    [Fact]
    public async Task DisableEnableAndDelete_GoThroughTheApi_AndARefusalIsShownBesideTheButtons()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (live, key, id) = await WebhookOfItsOwnAsync("console-toggle", receiver);
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: key);
        console.Page.Dialog += (_, dialog) => Assert.Fail("the page opened a dialog: " + dialog.Message);
        await console.GoToAsync($"#/webhooks/{id}", "#no-deliveries");

        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#webhook-state")).ToHaveTextAsync("disabled");
        Assert.False((bool)(await live.Http.GetJsonAsync($"v1/webhooks/{id}", key))["enabled"]!);

        // A disabled webhook cannot be pinged: the API's 409 problem is shown next to the buttons.
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Send test ping" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#webhook-outcome")).ToContainTextAsync("The webhook is disabled.");

        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Enable", Exact = true }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#webhook-state")).ToHaveTextAsync("enabled");
        Assert.True((bool)(await live.Http.GetJsonAsync($"v1/webhooks/{id}", key))["enabled"]!);

        // Delete asks first; keeping it changes nothing, confirming deletes it.
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Delete webhook…" }).ClickAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#confirm-delete")).ToBeHiddenAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Delete webhook…" }).ClickAsync();
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Delete for good" }).ClickAsync();
        await console.Page.WaitForURLAsync("**/#/webhooks");
        await Assertions.Expect(console.Page.Locator("#no-webhooks")).ToBeVisibleAsync();
        Assert.Empty(await live.Http.GetJsonArrayAsync("v1/webhooks", key));

        // The browser reports the refused ping (409) as a failed resource; the page showed it above.
        console.AssertNoErrors(expected: e => e.Contains("status of 409", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegisterRefusals_AreShownNextToTheForm_FieldErrorsUnderTheirField()
    {
        var live = await fixture.LiveAsync();
        var key = await live.TenantKeyAsync("console-refusals");
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: key);
        console.Page.Dialog += (_, dialog) => Assert.Fail("the page opened a dialog: " + dialog.Message);
        await console.GoToAsync("#/webhooks", "#register-form");

        // 400: the URL's own message under the URL field, which is marked invalid and focused.
        await console.Page.GetByLabel("URL", new() { Exact = true }).FillAsync("ftp://example.com/hooks");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Register webhook" }).ClickAsync();
        var urlError = console.Page.Locator("#webhook-url-error");
        await Assertions.Expect(urlError).ToContainTextAsync("http");
        await Assertions.Expect(console.Page.GetByLabel("URL", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(console.Page.GetByLabel("URL", new() { Exact = true })).ToBeFocusedAsync();
        await Assertions.Expect(console.Page.Locator("#register-error")).ToBeVisibleAsync();

        // 409: the tenant's limit (20 webhooks) reached; the problem's words beside the form, the field errors cleared.
        for (var i = 0; i < 20; i++)
        {
            await live.RegisterAsync(key, new Uri($"http://127.0.0.1:9/hooks/{i}"), "invoice.deleted");
        }

        await console.Page.GetByLabel("URL", new() { Exact = true }).FillAsync("http://127.0.0.1:9/hooks/one-more");
        await console.Page.GetByRole(AriaRole.Button, new() { Name = "Register webhook" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("#register-error")).ToContainTextAsync("Too many webhooks.");
        await Assertions.Expect(urlError).ToBeEmptyAsync();
        Assert.Equal(20, (await live.Http.GetJsonArrayAsync("v1/webhooks", key)).Count);
        console.AssertNoErrors(expected: e => e.Contains("status of 400", StringComparison.Ordinal) || e.Contains("status of 409", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherTenantsWebhook_IsShownExactlyLikeAMissingOne()
    {
        var live = await fixture.LiveAsync();
        var key = await live.TenantKeyAsync("console-mine");
        var otherKey = await live.TenantKeyAsync("console-theirs");
        var theirs = (string)(await live.RegisterAsync(otherKey, new Uri("http://127.0.0.1:9/hooks"), "invoice.deleted"))["id"]!;
        const string missing = "whk_000000000000000000000000";
        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: key);

        await console.GoToAsync($"#/webhooks/{theirs}", "[role=alert]");
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(theirs);
        var forTheirs = await console.Page.Locator("main").InnerTextAsync();
        await console.GoToAsync($"#/webhooks/{missing}", "[role=alert]");
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(missing);
        var forMissing = await console.Page.Locator("main").InnerTextAsync();

        Assert.Contains("There is no webhook", forMissing, StringComparison.Ordinal);
        Assert.Equal(forMissing.Replace(missing, "{id}", StringComparison.Ordinal), forTheirs.Replace(theirs, "{id}", StringComparison.Ordinal));
        Assert.DoesNotContain("http://127.0.0.1:9/hooks", forTheirs, StringComparison.Ordinal);
        console.AssertNoErrors(expected: e => e.Contains("status of 404", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliveryLog_FollowsTheApisLinkHeader_ToOlderPages_AndBackToTheNewest()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (live, key, id) = await WebhookOfItsOwnAsync("console-log-pages", receiver);
        // 52 deliveries: a full first page of 50 and a second page with the two oldest.
        var pings = new List<string>();
        for (var i = 0; i < 52; i++)
        {
            pings.Add((string)(await live.PingAsync(key, id))["id"]!);
        }

        await using var console = await fixture.OpenAsync(live.Gateway, apiKey: key);
        await console.GoToAsync($"#/webhooks/{id}", "#deliveries tbody tr");
        var rows = console.Page.Locator("#deliveries tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        var newest = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
        await Assertions.Expect(console.Page.Locator("#newest-deliveries")).ToHaveCountAsync(0);

        // The link is the API's Link header (before = the last delivery on the page) made a hash of the console.
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Older deliveries" }).ClickAsync();
        await console.Page.WaitForURLAsync($"**/#/webhooks/{id}?before={newest[^1]}");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var older = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
        Assert.Equal(pings.Order(StringComparer.Ordinal), newest.Concat(older).Order(StringComparer.Ordinal));
        await Assertions.Expect(console.Page.Locator("#older-deliveries")).ToHaveCountAsync(0);

        // A page is a link of its own: a reload shows the same page.
        await console.Page.ReloadAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(older, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"));

        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Newest deliveries" }).ClickAsync();
        await console.Page.WaitForURLAsync($"**/#/webhooks/{id}");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        Assert.Equal(newest, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"));
        console.AssertNoErrors();
    }

    /// <summary>A tenant of its own (its own key) with one webhook to <paramref name="receiver"/>, registered through the API.</summary>
    private async Task<(LiveGateway Live, string Key, string Id)> WebhookOfItsOwnAsync(string tenant, WebhookReceiver receiver)
    {
        var live = await fixture.LiveAsync();
        var key = await live.TenantKeyAsync(tenant);
        var webhook = await live.RegisterAsync(key, receiver.Url, "invoice.deleted");
        return (live, key, (string)webhook["id"]!);
    }
}
