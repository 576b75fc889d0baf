using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Tests.Apis;

public class SendcloudApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    [Fact]
    public async Task List_WithoutCredentials_Returns401WithSendcloudErrorShape()
    {
        using var response = await Client.GetAsync("sendcloud", Client.Url("sendcloud", "user/invoices"), anonymous: true);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("api/v2/user/invoices", body.RootElement.GetProperty("error").GetProperty("request").GetString());
    }

    [Fact]
    public async Task List_WithWrongSecret_Returns401()
    {
        using var response = await Client.GetAsync(
            "sendcloud", Client.Url("sendcloud", "user/invoices"), UpstreamClient.Basic(SandboxCredentials.SendcloudPublicKey, "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_WithOAuth2TokenFromFormCredentials_Returns200()
    {
        var token = await Client.SendcloudTokenAsync();

        using var response = await Client.GetAsync("sendcloud", Client.Url("sendcloud", "user/invoices"), new AuthenticationHeaderValue("Bearer", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_WithClientCredentialsInBasicHeader_ReturnsBearerTokenForAnHour()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Client.Host.RootUrl, "sendcloud/oauth2/token/"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = UpstreamClient.Basic(SandboxCredentials.SendcloudPublicKey, SandboxCredentials.SendcloudSecretKey);

        using var response = await Client.Http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.RootElement.GetProperty("expires_in").GetInt32());
        using var list = await Client.GetAsync(
            "sendcloud", Client.Url("sendcloud", "user/invoices"), new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("access_token").GetString()));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Theory]
    [InlineData("client_credentials", "wrong", HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("password", SandboxCredentials.SendcloudSecretKey, HttpStatusCode.BadRequest, "unsupported_grant_type")]
    public async Task Token_WhenSecretOrGrantWrong_ReturnsOAuthError(string grant, string secret, HttpStatusCode status, string error)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grant,
            ["client_id"] = SandboxCredentials.SendcloudPublicKey,
            ["client_secret"] = secret,
        });

        using var response = await Client.Http.PostAsync(new Uri(Client.Host.RootUrl, "sendcloud/oauth2/token/"), form, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task List_ServesEveryInvoiceOnceWithItemsAsUrlThatResolves()
    {
        var (invoices, _) = await Client.ReadAllAsync("sendcloud", 0);

        var ids = invoices.Select(i => UpstreamClient.IdOf("sendcloud", i)).ToList();
        Assert.Equal(new SandboxOptions().InvoicesPerSource + 2, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(invoices, i => Assert.Equal(JsonValueKind.String, i.GetProperty("items").ValueKind));
        var itemsUrl = new Uri(invoices[0].GetProperty("items").GetString()!);
        using var items = await Client.GetAsync("sendcloud", itemsUrl);
        Assert.Equal(HttpStatusCode.OK, items.StatusCode);
    }

    [Fact]
    public async Task List_MixesDayFirstAndRfc3339Dates()
    {
        var (invoices, _) = await Client.ReadAllAsync("sendcloud", 0);
        var dates = invoices.Select(i => i.GetProperty("date").GetString()!).ToList();

        Assert.Contains(dates, d => System.Text.RegularExpressions.Regex.IsMatch(d, @"^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d$"));
        Assert.Contains(dates, d => System.Text.RegularExpressions.Regex.IsMatch(d, @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
    }

    [Fact]
    public async Task List_ContainsAnInvoiceWhoseNetExceedsGross()
    {
        var (invoices, _) = await Client.ReadAllAsync("sendcloud", 0);

        Assert.Contains(invoices, i => i.GetProperty("price_excl").GetDecimal() > i.GetProperty("price_incl").GetDecimal());
    }

    [Fact]
    public async Task Detail_OfEveryListedInvoice_HasItemsAsIdNameObjects()
    {
        var (invoices, _) = await Client.ReadAllAsync("sendcloud", 0);

        foreach (var id in invoices.Select(i => UpstreamClient.IdOf("sendcloud", i)))
        {
            using var document = JsonDocument.Parse(await Client.GetBytesAsync("sendcloud", $"user/invoices/{id}"));
            var invoice = document.RootElement.GetProperty("invoice");
            Assert.Equal(id, invoice.GetProperty("id").GetRawText());
            Assert.All(invoice.GetProperty("items").EnumerateArray(), item =>
            {
                Assert.Equal(JsonValueKind.Number, item.GetProperty("id").ValueKind);
                Assert.Equal(JsonValueKind.String, item.GetProperty("name").ValueKind);
            });
        }
    }

    [Fact]
    public async Task Detail_OfSeedInvoice_HasTheDocsValues()
    {
        using var document = JsonDocument.Parse(await Client.GetBytesAsync("sendcloud", "user/invoices/1"));
        var invoice = document.RootElement.GetProperty("invoice");

        Assert.Equal("EU-CENTRAL-0-1-22-NL0000001", invoice.GetProperty("ref").GetString());
        Assert.Equal("periodic", invoice.GetProperty("type").GetString());
        Assert.Equal("05-10-2020 02:12:01", invoice.GetProperty("date").GetString());
        Assert.True(invoice.GetProperty("isPayed").GetBoolean());
        Assert.Equal(0m, invoice.GetProperty("price_incl").GetDecimal());
        Assert.Equal(
            new[] { "PostNL Standard 0-23kg", "Insurance", "Credit requested for label", "Insurance refund" },
            invoice.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(33493679, invoice.GetProperty("items")[0].GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("12312312312")]
    [InlineData("abc")]
    public async Task Detail_WhenUnknown_Returns404WithDocumentedBody(string id)
    {
        using var response = await Client.GetAsync("sendcloud", $"user/invoices/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            $$$"""{"error":{"code":404,"request":"api/v2/user/invoices/{{{id}}}","message":"No Invoice matches the given query."}}""",
            await response.Content.ReadAsStringAsync(Ct));
    }
}
