using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Tests.Apis;

public class DollrApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    [Fact]
    public async Task Token_WithValidClient_ExpiresInSixtyMinutes()
    {
        using var response = await Client.Http.PostAsJsonAsync(
            Client.Url("dollr", "v1/jwt/client/obtain/token"),
            new Dictionary<string, string> { ["client_id"] = SandboxCredentials.DollrClientId, ["client_secret"] = SandboxCredentials.DollrClientSecret },
            Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(60, body.RootElement.GetProperty("expires_in").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("access_token").GetString()));
    }

    [Fact]
    public async Task Token_WithWrongSecret_Returns401()
    {
        using var response = await Client.Http.PostAsJsonAsync(
            Client.Url("dollr", "v1/jwt/client/obtain/token"),
            new Dictionary<string, string> { ["client_id"] = SandboxCredentials.DollrClientId, ["client_secret"] = "wrong" },
            Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-issued")]
    public async Task List_WithoutOrWithUnissuedToken_Returns401WithDetail(string? token)
    {
        using var response = await Client.GetAsync(
            "dollr", Client.Url("dollr", "v1/invoices/list"), token is null ? null : new AuthenticationHeaderValue("Bearer", token), anonymous: token is null);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(JsonValueKind.String, body.RootElement.GetProperty("detail").ValueKind);
    }

    [Fact]
    public async Task List_ServesSummariesWithoutItemsOrCounterparty_WithNumberAndStringIds()
    {
        var (invoices, _) = await Client.ReadAllAsync("dollr", 0);

        var ids = invoices.Select(i => UpstreamClient.IdOf("dollr", i)).ToList();
        Assert.Equal(new SandboxOptions().InvoicesPerSource + 1, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(invoices, i =>
        {
            Assert.False(i.TryGetProperty("invoice_items", out _));
            Assert.False(i.TryGetProperty("counterparty", out _));
            Assert.Contains(i.GetProperty("currency").GetString(), new[] { "USD", "LRD" });
            Assert.Contains(i.GetProperty("status").GetString(), new[] { "IDLE", "ACTIVE", "PROCESSING", "PAID", "CANCELED" });
        });
        Assert.Contains(invoices, i => i.GetProperty("id").ValueKind == JsonValueKind.Number);
        Assert.Contains(invoices, i => i.GetProperty("id").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Detail_OfEveryListedInvoice_AddsItemsAndCounterpartyParty()
    {
        var (invoices, _) = await Client.ReadAllAsync("dollr", 0);

        foreach (var summary in invoices)
        {
            var id = UpstreamClient.IdOf("dollr", summary);
            using var document = JsonDocument.Parse(await Client.GetBytesAsync("dollr", $"v1/invoices/retrieve/{id}"));
            var detail = document.RootElement;
            Assert.Equal(summary.GetProperty("id").GetRawText(), detail.GetProperty("id").GetRawText());
            Assert.Equal(summary.GetProperty("total_amount").GetRawText(), detail.GetProperty("total_amount").GetRawText());
            Assert.Equal(
                detail.GetProperty("total_amount").GetDecimal(),
                detail.GetProperty("invoice_items").EnumerateArray().Sum(i => i.GetProperty("qty").GetDecimal() * i.GetProperty("amount").GetDecimal()));
            Assert.Equal(JsonValueKind.String, detail.GetProperty("counterparty").GetProperty("party").GetProperty("fullname").ValueKind);
        }
    }

    [Fact]
    public async Task Detail_OfSeedInvoice_HasTheDocsShape()
    {
        using var document = JsonDocument.Parse(await Client.GetBytesAsync("dollr", "v1/invoices/retrieve/123"));

        Assert.Equal(123, document.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("LR", document.RootElement.GetProperty("counterparty").GetProperty("party").GetProperty("country_code").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("invoice_items").GetArrayLength());
    }

    [Fact]
    public async Task Detail_WhenUnknown_Returns404WithDetail()
    {
        using var response = await Client.GetAsync("dollr", "v1/invoices/retrieve/INV-99999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"detail":"Not found."}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TokenEndpoints_UnderConcurrentCalls_EachIssueADistinctWorkingToken()
    {
        var goscore = Enumerable.Range(0, 16).Select(_ => Client.GoScoreTokenAsync());
        var dollr = Enumerable.Range(0, 16).Select(_ => Client.DollrTokenAsync());
        var sendcloud = Enumerable.Range(0, 16).Select(_ => Client.SendcloudTokenAsync());

        var tokens = await Task.WhenAll(goscore.Concat(dollr).Concat(sendcloud));

        Assert.Equal(tokens.Length, tokens.Distinct().Count());
        for (var i = 0; i < tokens.Length; i++)
        {
            var (api, relative) = (i / 16) switch { 0 => ("goscore", "invoices/1"), 1 => ("dollr", "v1/invoices/list"), _ => ("sendcloud", "user/invoices") };
            using var response = await Client.GetAsync(api, Client.Url(api, relative), new AuthenticationHeaderValue("Bearer", tokens[i]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
