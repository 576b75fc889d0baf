using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Console.Tests.Infrastructure;
using InvoiceGateway.Gateway.Connections;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace InvoiceGateway.Console.Tests;

/// <summary>
/// The connect page in a real browser: an app key asks for a link, the end user opens it, fills in what the source's
/// definition needs, and the connection exists for the link's tenant and no other; a link that expired or was forged
/// opens nothing.
/// </summary>
public sealed class ConnectPageTests(ConsoleFixture fixture) : IAsyncLifetime
{
    private const string AppKey = "console-app-key-0123456789abcdef";
    private const string ReturnUrl = "https://app.example/connected?step=2";

    private readonly List<HttpClient> _clients = [];
    private SandboxHost _sandbox = null!;
    private GatewayServer _gateway = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 10 });
        var settings = SandboxConfig.For(_sandbox);
        settings["Gateway:Sources:ibana-app:Adapter"] = "generic";
        settings["Gateway:Sources:ibana-app:BaseUrl"] = _sandbox.BaseUrlOf("ibana").ToString();
        settings["Gateway:Sources:ibana-app:Auth:Type"] = "bearer";
        settings["Gateway:Sources:ibana-app:Options:Mapping"] = "ibana";
        settings["Gateway:Sources:ibana-app:Connectable"] = "true";
        settings["Gateway:Sources:goscore-app:Adapter"] = "goscore";
        settings["Gateway:Sources:goscore-app:BaseUrl"] = _sandbox.BaseUrlOf("goscore").ToString();
        settings["Gateway:Sources:goscore-app:Auth:ClientId"] = SandboxCredentials.GoScoreClientId;
        settings["Gateway:Sources:goscore-app:Auth:SecretKey"] = SandboxCredentials.GoScoreSecretKey;
        settings["Gateway:Sources:goscore-app:Connectable"] = "true";
        settings["Gateway:ApiKeys:0:Name"] = "app";
        settings["Gateway:ApiKeys:0:Key"] = AppKey;
        settings["Gateway:ApiKeys:0:Role"] = "app";
        _gateway = await GatewayServer.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _gateway.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task ConnectPage_CreatesTheConnectionForTheLinksTenantOnly_AndReturnsToTheApp()
    {
        var link = await CreateLinkAsync("link-acme", ["ibana-app", "goscore-app"]);
        var url = (string)link["url"]!;
        Assert.StartsWith(new Uri(_gateway.Address, "/connect?token=").ToString(), url, StringComparison.Ordinal);
        await using var console = await fixture.OpenAsync(_gateway);

        await console.Page.GotoAsync(url);
        var ibana = console.Page.Locator("form[data-source='ibana-app']");
        await Assertions.Expect(ibana).ToBeVisibleAsync();

        // The token left the address bar (and the history entry) at once.
        Assert.DoesNotContain("token", console.Page.Url, StringComparison.Ordinal);
        // The fields come from each definition: ibana's connections give a Token, GoScore's a ConsentId.
        var definitions = await Api(AppKey).GetFromJsonAsync<JsonArray>("v1/sources/definitions", Ct);
        foreach (var definition in definitions!)
        {
            var form = console.Page.Locator($"form[data-source='{definition!["name"]}']");
            foreach (var credential in definition["credentials"]!.AsArray())
            {
                await Assertions.Expect(form.GetByLabel((string)credential!, new() { Exact = true })).ToHaveAttributeAsync("type", "password");
            }

            foreach (var option in definition["options"]!.AsArray())
            {
                await Assertions.Expect(form.GetByLabel((string)option!, new() { Exact = true })).ToHaveAttributeAsync("type", "text");
            }
        }

        await AccessibilityTests.AssertAccessibleAsync(console.Page);
        await ibana.GetByLabel("Token", new() { Exact = true }).FillAsync(SandboxCredentials.IbanaToken);
        await ibana.GetByLabel("Connection name").FillAsync("my-books");
        await console.ScreenshotAsync("connect");
        await ibana.GetByRole(AriaRole.Button, new() { Name = "Connect ibana-app" }).ClickAsync();

        await Assertions.Expect(console.Page.Locator("#first-read")).ToHaveAttributeAsync("data-state", "active");
        await Assertions.Expect(console.Page.Locator("#first-read")).ToContainTextAsync("the first read succeeded");
        var connections = await Api(AppKey, "link-acme").GetFromJsonAsync<JsonArray>("v1/connections", Ct);
        var created = Assert.Single(connections!);
        Assert.Equal("my-books", (string)created!["name"]!);
        Assert.Equal("ibana-app", (string)created["source"]!);
        Assert.Equal("active", (string)created["state"]!);
        var back = await console.Page.Locator("#continue-link").GetAttributeAsync("href");
        Assert.Equal($"{ReturnUrl}&connection={created["id"]}&state=active", back);
        await Assertions.Expect(console.Page.Locator("#continue-link")).ToBeFocusedAsync();

        // Only that tenant has it: neither another tenant nor the default one sees it.
        Assert.Empty((await Api(AppKey, "other-tenant").GetFromJsonAsync<JsonArray>("v1/connections", Ct))!);
        Assert.Empty((await Api(AppKey).GetFromJsonAsync<JsonArray>("v1/connections", Ct))!);
        var invoices = await Api(AppKey, "link-acme").GetFromJsonAsync<JsonObject>("v1/invoices?limit=500", Ct);
        Assert.NotEmpty(invoices!["data"]!.AsArray());
        Assert.All(invoices["data"]!.AsArray(), i => Assert.Equal("my-books", (string)i!["source"]!));
        await console.ScreenshotAsync("connect-done");
        console.AssertNoErrors();
    }

    [Fact]
    public async Task ExpiredOrForgedLink_IsRefused_InThePageAndByTheApi()
    {
        var tokens = _gateway.Services.GetRequiredService<ConnectLinkTokens>();
        var expired = tokens.Seal(new ConnectLink("late-acme", ["ibana-app"], ReturnUrl, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var valid = new Uri((string)(await CreateLinkAsync("late-acme", ["ibana-app"]))["url"]!).Query["?token=".Length..];
        var forged = valid[..^8] + (valid[^8] == 'A' ? 'B' : 'A') + valid[^7..];

        foreach (var (token, refusal) in new[] { (expired, "expired"), (forged, "not valid"), ("not-a-token", "not valid") })
        {
            await using var console = await fixture.OpenAsync(_gateway);
            await console.Page.GotoAsync("/connect?token=" + Uri.EscapeDataString(token));

            await Assertions.Expect(console.Page.Locator("#link-refused")).ToContainTextAsync(refusal);
            await Assertions.Expect(console.Page.Locator("form")).ToHaveCountAsync(0);
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/connect-links/current/connections")
            {
                Content = JsonContent.Create(new { name = "books", source = "ibana-app", credentials = new { Token = SandboxCredentials.IbanaToken } }),
            };
            request.Headers.Add(ConnectLinksApi.HeaderName, token);
            using var answer = await Api().SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            // The page asked for the link once and was refused: that refusal is the only error it logged.
            console.AssertNoErrors(e => e.Contains("401", StringComparison.Ordinal));
            await console.ScreenshotAsync("connect-refused");
        }

        Assert.Empty((await Api(AppKey, "late-acme").GetFromJsonAsync<JsonArray>("v1/connections", Ct))!);
    }

    [Fact]
    public async Task LinkToken_AllowsNothingElse()
    {
        var valid = new Uri((string)(await CreateLinkAsync("only-acme", ["ibana-app"]))["url"]!).Query["?token=".Length..];
        foreach (var path in new[] { "v1/invoices", "v1/sources", "v1/connections", "v1/sources/definitions" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(ConnectLinksApi.HeaderName, valid);
            using var answer = await Api().SendAsync(request, Ct);
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {(int)answer.StatusCode}");
        }

        // A source the link does not name, or another tenant, is refused too.
        using var other = new HttpRequestMessage(HttpMethod.Post, "v1/connect-links/current/connections")
        {
            Content = JsonContent.Create(new { name = "gs", source = "goscore-app", options = new { ConsentId = "1" } }),
        };
        other.Headers.Add(ConnectLinksApi.HeaderName, valid);
        using var refused = await Api().SendAsync(other, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("allows these sources only: ibana-app", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "v1/connect-links/current");
        elsewhere.Headers.Add(ConnectLinksApi.HeaderName, valid);
        elsewhere.Headers.Add("X-Tenant-Id", "someone-else");
        using var forbidden = await Api().SendAsync(elsewhere, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Empty((await Api(AppKey, "only-acme").GetFromJsonAsync<JsonArray>("v1/connections", Ct))!);
    }

    [Fact]
    public async Task CreateLink_NamesEveryBadField()
    {
        using var answer = await Api(AppKey).PostAsJsonAsync("v1/connect-links",
            new { tenant = "Not A Tenant", sources = new[] { "goscore" }, returnUrl = "javascript:alert(1)", expiresIn = 5, extra = 1 }, Ct);
        var problem = JsonNode.Parse(await answer.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(["expiresIn", "extra", "returnUrl", "sources", "tenant"], problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    private async Task<JsonObject> CreateLinkAsync(string tenant, string[] sources)
    {
        using var answer = await Api(AppKey).PostAsJsonAsync("v1/connect-links", new { tenant, sources, returnUrl = ReturnUrl }, Ct);
        var body = JsonNode.Parse(await answer.Content.ReadAsStringAsync(Ct))!.AsObject();
        Assert.True(answer.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        var expiresAt = DateTimeOffset.Parse((string)body["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
        return body;
    }

    private HttpClient Api(string? key = null, string? tenant = null)
    {
        var client = new HttpClient { BaseAddress = _gateway.Address };
        _clients.Add(client);
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        }

        return client;
    }
}
