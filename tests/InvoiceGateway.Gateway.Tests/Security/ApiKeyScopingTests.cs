using System.Net;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>A key sees only its sources, on every endpoint; other sources are 404 (or a 400 naming the parameter), never 403.</summary>
public sealed class ApiKeyScopingTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    private static readonly string[] BillingSources = ["goscore", "ibana"];

    [Fact]
    public async Task List_WhenKeyIsScopedToTwoSources_ServesOnlyThoseInDataAndSources()
    {
        using var response = await fixture.Client.GetWithKeyAsync("v1/invoices?limit=500", TestKeys.Billing);
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BillingSources, page["sources"]!.AsArray().Select(s => s.Str("name")).Order(StringComparer.Ordinal));
        var served = page["data"]!.AsArray().Select(i => i.Str("source")).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(BillingSources, served);
        Assert.True(page["complete"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("sendregning")]
    [InlineData("goscore,dollr")]
    [InlineData("nosuch")]
    public async Task List_WhenSourceNamesASourceOutsideTheKey_Is400NamingTheSourceParameter(string source)
    {
        using var response = await fixture.Client.GetWithKeyAsync("v1/invoices?source=" + source, TestKeys.Billing);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["source"]);
    }

    [Fact]
    public async Task List_WhenSourceNamesTheKeysOwnSource_ServesItAndSkipsTheOther()
    {
        var page = await GetObjectWithKeyAsync("v1/invoices?source=ibana&limit=500", TestKeys.Billing);

        Assert.All(page["data"]!.AsArray(), i => Assert.Equal("ibana", i.Str("source")));
        Assert.Equal("skipped", page.SourceState("goscore").Str("state"));
        Assert.Equal(2, page["sources"]!.AsArray().Count);
    }

    [Fact]
    public async Task GetById_WhenInvoiceBelongsToASourceOutsideTheKey_Is404LikeAnUnknownSource()
    {
        // The invoice exists: the reader key (all sources) gets it.
        using var visible = await fixture.Client.GetWithKeyAsync("v1/invoices/sendregning:123", TestKeys.Reader);
        Assert.Equal(HttpStatusCode.OK, visible.StatusCode);

        using var hidden = await fixture.Client.GetWithKeyAsync("v1/invoices/sendregning:123", TestKeys.Billing);
        using var unknown = await fixture.Client.GetWithKeyAsync("v1/invoices/nosuch:123", TestKeys.Billing);
        var hiddenProblem = await hidden.ReadProblemAsync();
        var unknownProblem = await unknown.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(unknownProblem.Str("title"), hiddenProblem.Str("title"));
        Assert.Equal(
            unknownProblem.Str("detail")!.Replace("nosuch", "X", StringComparison.Ordinal),
            hiddenProblem.Str("detail")!.Replace("sendregning", "X", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetById_WhenInvoiceBelongsToTheKeysOwnSource_IsServed()
    {
        using var response = await fixture.Client.GetWithKeyAsync("v1/invoices/goscore:8599002184", TestKeys.Billing);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Sources_WhenKeyIsScoped_ListsOnlyItsSources()
    {
        var billing = await GetArrayWithKeyAsync("v1/sources", TestKeys.Billing);
        var scopedAdmin = await GetArrayWithKeyAsync("v1/sources", TestKeys.SendcloudAdmin);
        var reader = await GetArrayWithKeyAsync("v1/sources", TestKeys.Reader);

        Assert.Equal(BillingSources, billing.Select(s => s.Str("name")).Order(StringComparer.Ordinal));
        Assert.Equal(["sendcloud"], scopedAdmin.Select(s => s.Str("name")));
        Assert.Equal(SandboxConfig.SourceNames.Order(StringComparer.Ordinal), reader.Select(s => s.Str("name")).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("goscore")]
    [InlineData("nosuch")]
    public async Task Refresh_WhenAdminKeyIsScopedElsewhere_Is404LikeAnUnknownSource(string source)
    {
        var before = fixture.Sandbox.Requests.Count("goscore");

        using var response = await fixture.Client.SendWithKeyAsync(HttpMethod.Post, $"v1/sources/{source}/refresh", TestKeys.SendcloudAdmin);
        await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.Sandbox.Requests.Count("goscore"));
    }

    [Fact]
    public async Task Refresh_WhenAdminKeyIsScopedToTheSource_ReadsItAgain()
    {
        var before = fixture.Sandbox.Requests.Count("sendcloud");

        using var response = await fixture.Client.SendWithKeyAsync(HttpMethod.Post, "v1/sources/sendcloud/refresh", TestKeys.SendcloudAdmin);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.Str("state"));
        Assert.True(fixture.Sandbox.Requests.Count("sendcloud") > before);
    }

    [Theory]
    [InlineData("ibana", "v1/invoice?page=1&limit=5")]
    [InlineData("goscore", "invoices/1?page=1&per_page=5")]
    [InlineData("nosuch", "anything")]
    public async Task Raw_WhenAdminKeyIsScopedElsewhere_Is404AndNothingIsForwarded(string source, string path)
    {
        var before = fixture.Sandbox.Requests.Snapshot();

        using var response = await fixture.Client.GetWithKeyAsync($"v1/sources/{source}/raw/{path}", TestKeys.SendcloudAdmin);
        await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, fixture.Sandbox.Requests.Snapshot());
    }

    [Theory]
    [InlineData("GET", "v1/sources/sendregning/raw/invoices/")]
    [InlineData("GET", "v1/sources/nosuch/raw/invoices/")]
    [InlineData("POST", "v1/sources/sendregning/refresh")]
    [InlineData("POST", "v1/sources/nosuch/refresh")]
    public async Task AdminEndpoint_WhenNonAdminKeyAsksForASourceOutsideItsScope_IsForbiddenAsForAnyOtherSource(string method, string url)
    {
        // The admin policy answers before any source is looked at: the same 403 whether the source exists or not.
        using var response = await fixture.Client.SendWithKeyAsync(new HttpMethod(method), url, TestKeys.Billing);
        var problem = await response.ReadProblemAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("This endpoint needs an API key with the role 'admin' or 'app'.", problem.Str("detail"));
    }

    private async Task<JsonObject> GetObjectWithKeyAsync(string url, string key)
    {
        using var response = await fixture.Client.GetWithKeyAsync(url, key);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonArray> GetArrayWithKeyAsync(string url, string key)
    {
        using var response = await fixture.Client.GetWithKeyAsync(url, key);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsArray();
    }
}
