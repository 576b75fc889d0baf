using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Tests.Apis;

public class GoScoreApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    [Theory]
    [InlineData("demo-goscore-client", "wrong")]
    [InlineData("wrong", "demo-goscore-secret")]
    [InlineData(null, null)]
    public async Task Auth_WhenCredentialsWrongOrMissing_Returns401(string? clientId, string? secretKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Client.Url("goscore", "auth"));
        if (clientId is not null)
        {
            request.Headers.Add("Client-ID", clientId);
            request.Headers.Add("Secret-Key", secretKey);
        }

        using var response = await Client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Auth_WhenCredentialsValid_ReturnsTokenWithUtcExpiryInMonthDayYearFormatAnHourAhead()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Client.Url("goscore", "auth"));
        request.Headers.Add("Client-ID", SandboxCredentials.GoScoreClientId);
        request.Headers.Add("Secret-Key", SandboxCredentials.GoScoreSecretKey);

        using var response = await Client.Http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.RootElement.GetProperty("token").GetString()!.Split('.').Length);
        var expireAt = DateTime.ParseExact(
            body.RootElement.GetProperty("expire_at").GetString()!, "MM-dd-yyyy HH:mm", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        var ahead = expireAt - DateTime.UtcNow;
        Assert.InRange(ahead, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task List_WithoutToken_Returns401()
    {
        using var response = await Client.GetAsync("goscore", Client.Url("goscore", "invoices/1"), anonymous: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_WithUnknownToken_Returns401()
    {
        using var response = await Client.GetAsync("goscore", Client.Url("goscore", "invoices/1"), new AuthenticationHeaderValue("Bearer", "forged"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_WhenPagedToAShortPage_CoversEveryInvoiceExactlyOnce()
    {
        var (invoices, pages) = await Client.ReadAllAsync("goscore", 7);

        var ids = invoices.Select(i => UpstreamClient.IdOf("goscore", i)).ToList();
        Assert.Equal(new SandboxOptions().InvoicesPerSource + 1, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(4, pages.Count);
        Assert.All(pages, page =>
        {
            using var document = JsonDocument.Parse(page, UpstreamClient.Lenient);
            Assert.Equal("done", document.RootElement.GetProperty("status").GetString());
            Assert.Equal("1", document.RootElement.GetProperty("user_data_id").GetString());
        });
    }

    [Fact]
    public async Task List_FirstPage_HasTrailingCommaAfterLastInvoiceAsInTheDocs()
    {
        var first = Encoding.UTF8.GetString(await Client.GetBytesAsync("goscore", "invoices/1?page=1&per_page=5"));
        var second = Encoding.UTF8.GetString(await Client.GetBytesAsync("goscore", "invoices/1?page=2&per_page=5"));

        Assert.Contains("},],\"user_data_id\"", first, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(first));
        using var strict = JsonDocument.Parse(second);
        Assert.Equal(5, strict.RootElement.GetProperty("invoices").GetArrayLength());
    }

    [Fact]
    public async Task List_WithoutPerPage_ServesTwentyPerPage()
    {
        var body = await Client.GetBytesAsync("goscore", "invoices/1");

        Assert.Equal(20, UpstreamClient.Elements(body, "invoices").Count);
    }

    [Theory]
    [InlineData("invoices/1?per_page=1001")]
    [InlineData("invoices/1?page=0")]
    [InlineData("invoices/1?page=abc")]
    public async Task List_WhenPagingOutOfRange_Returns400(string relative)
    {
        using var response = await Client.GetAsync("goscore", relative);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("c0")]
    [InlineData("c01")]
    [InlineData("c")]
    [InlineData("c12345678")]
    [InlineData("d7")]
    public async Task List_WhenConsentIsNotOneOrCNumber_Returns404(string consent)
    {
        using var response = await Client.GetAsync("goscore", "invoices/" + consent);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task List_OfFurtherConsents_GivesEachItsOwnInvoices()
    {
        var seven = await IdsAsync("c7");
        var eight = await IdsAsync("c8");

        Assert.Equal(5, seven.Count);
        Assert.Equal(5, eight.Count);
        Assert.Empty(seven.Intersect(eight));
        Assert.Equal(seven, await IdsAsync("c7")); // deterministic

        async Task<List<string>> IdsAsync(string consent)
        {
            using var response = await Client.GetAsync("goscore", $"invoices/{consent}?page=1&per_page=100");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Ct)).Replace(",]", "]", StringComparison.Ordinal);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("invoices").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
        }
    }

    [Fact]
    public async Task List_WhenConsentUnknown_Returns404()
    {
        using var response = await Client.GetAsync("goscore", "invoices/2");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task List_ContainsTheDocsSeedInvoiceWithExactlyItsValues()
    {
        var first = Encoding.UTF8.GetString(await Client.GetBytesAsync("goscore", "invoices/1?page=1&per_page=1"));

        Assert.Contains(
            """{"id":"8599002184","creditor_name":"EnterCard Kredittkort","creditor_org_number":918713867,"efaktura_ref":"123456789","type":"INVOICE","status":"PROCESSED","account":"14300642641","kid":"110002444955","org_number":918713867,"amount":463.0,"min_amount":400.0,"credit_note_amount":null,"due_date":"2021-01-16","overdue":true,"paid":true}""",
            first,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_GeneratedInvoices_HaveTwoDecimalAmountsAndDueDatesAroundToday()
    {
        var (invoices, _) = await Client.ReadAllAsync("goscore", 100);
        var today = new SandboxOptions().Today;
        var generated = invoices.Skip(1).ToList();

        Assert.All(generated, invoice =>
        {
            var amount = invoice.GetProperty("amount").GetRawText();
            Assert.Matches(@"^\d+\.\d\d$", amount);
            var due = DateOnly.ParseExact(invoice.GetProperty("due_date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.InRange(due, today.AddDays(-120), today.AddDays(120));
        });
        Assert.Contains(generated, i => i.GetProperty("overdue").GetBoolean());
        Assert.Contains(generated, i => !i.GetProperty("overdue").GetBoolean());
        Assert.Contains(generated, i => i.GetProperty("amount").GetRawText().EndsWith('0'));
    }
}
