using System.Net;
using System.Text;
using System.Text.Json;
using InvoiceGateway.Sandbox.Apis;

namespace InvoiceGateway.Sandbox.Tests.Faults;

public class FaultInjectionTests : IClassFixture<SandboxFixture>
{
    private readonly SandboxFixture fixture;

    public FaultInjectionTests(SandboxFixture fixture)
    {
        this.fixture = fixture;
        fixture.Host.Faults.ClearAll();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    private SandboxFaults Faults => fixture.Host.Faults;

    [Fact]
    public async Task Latency_WhenLongerThanClientTimeout_ClientTimesOut()
    {
        Faults.Set("ibana", new SandboxFault { LatencyMs = 60_000 });
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        using var request = new HttpRequestMessage(HttpMethod.Get, Client.Url("ibana", "v1/invoice"));
        request.Headers.Authorization = await Client.AuthorizationAsync("ibana");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.SendAsync(request, Ct));
    }

    [Fact]
    public async Task Status500_AnswersThatStatusWithJsonError()
    {
        Faults.Set("sendcloud", new SandboxFault { Status = 500 });

        using var response = await Client.GetAsync("sendcloud", "user/invoices");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(500, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Status429_WithRetryAfter_SetsRetryAfterHeaderInSeconds()
    {
        Faults.Set("dollr", new SandboxFault { Status = 429, RetryAfterSeconds = 7 });

        using var response = await Client.GetAsync("dollr", "v1/invoices/list");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Status_OnDataEndpoint_LeavesTokenEndpointsWorking()
    {
        Faults.Set("goscore", new SandboxFault { Status = 503 });

        var token = await Client.GoScoreTokenAsync();
        using var response = await Client.GetAsync("goscore", Client.Url("goscore", "invoices/1"), new("Bearer", token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Fault_OnOneApi_LeavesOtherApisAlone()
    {
        Faults.Set("ibana", new SandboxFault { Status = 500 });

        using var response = await Client.GetAsync("sendregning", "invoices/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_AnswersOkWithUnparseableBody()
    {
        Faults.Set("goscore", new SandboxFault { MalformedJson = true });

        using var response = await Client.GetAsync("goscore", "invoices/1?page=2");
        var body = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(body);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body, UpstreamClient.Lenient));
    }

    [Fact]
    public async Task MalformedJson_OnSendRegning_ServesTheDocsCopyWithItsMissingComma()
    {
        Faults.Set("sendregning", new SandboxFault { MalformedJson = true });

        var list = await Client.GetBytesAsync("sendregning", "invoices/");
        var detail = Encoding.UTF8.GetString(await Client.GetBytesAsync("sendregning", "invoices/123"));

        Assert.Equal(SendRegningApi.DocsList, Encoding.UTF8.GetString(list));
        Assert.Contains("\"mobile\": \"47474747\" \"address\"", detail, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(list));
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(detail));
    }

    [Fact]
    public async Task ResetConnection_AbortsWithoutAnswer()
    {
        Faults.Set("dollr", new SandboxFault { ResetConnection = true });

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.GetAsync("dollr", "v1/invoices/list"));
    }

    [Theory]
    [InlineData("goscore", "invoices/1")]
    [InlineData("sendcloud", "user/invoices")]
    [InlineData("sendregning", "invoices/")]
    [InlineData("ibana", "v1/invoice")]
    [InlineData("dollr", "v1/invoices/retrieve/123")]
    public async Task OversizedBytes_StreamsExactlyThatManyBytesOfValidJsonWithoutContentLength(string api, string relative)
    {
        Faults.Set(api, new SandboxFault { OversizedBytes = 1_000_003 });

        using var response = await Client.GetAsync(api, relative);
        var chunked = response.Headers.TransferEncodingChunked;
        var body = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(chunked);
        Assert.Equal(1_000_003, body.Length);
        using var document = JsonDocument.Parse(body);
        Assert.NotEqual(JsonValueKind.Undefined, document.RootElement.ValueKind);
    }

    [Fact]
    public async Task DeepNestingLevels_AnswersThatManyNestedArrays()
    {
        Faults.Set("ibana", new SandboxFault { DeepNestingLevels = 10_000 });

        var body = await Client.GetBytesAsync("ibana", "v1/invoice");

        Assert.Equal(20_000, body.Length);
        Assert.All(body.AsSpan(0, 10_000).ToArray(), b => Assert.Equal((byte)'[', b));
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 10_001 });
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
    }

    [Theory]
    [InlineData("goscore", "invoices/1?page=2&per_page=5", "invoices", "amount", "due_date", "id")]
    [InlineData("sendcloud", "user/invoices", "invoices", "price_incl", "date", "id")]
    [InlineData("sendregning", "invoices/?perPage=5", null, "total", "dueDate", "number")]
    [InlineData("ibana", "v1/invoice?limit=5", "data", "totalAmount", "dueDate", "id")]
    [InlineData("dollr", "v1/invoices/list", null, "total_amount", "due_date", "id")]
    public async Task MalformedEntry_BreaksExactlyOneListEntryButKeepsJsonValid(
        string api, string relative, string? listProperty, string amountField, string dateField, string idField)
    {
        var good = UpstreamClient.Elements(await Client.GetBytesAsync(api, relative), listProperty);
        Faults.Set(api, new SandboxFault { MalformedEntry = true });

        var entries = UpstreamClient.Elements(await Client.GetBytesAsync(api, relative), listProperty);

        Assert.Equal(good.Count, entries.Count);
        var broken = Assert.Single(entries, e => e.GetProperty(amountField).ValueKind == JsonValueKind.Object);
        Assert.Equal("not-a-date", broken.GetProperty(dateField).GetString());
        Assert.Equal(JsonValueKind.Object, broken.GetProperty(idField).ValueKind);
        Assert.Single(entries, e => !good.Any(g => JsonElement.DeepEquals(g, e)));
    }

    [Fact]
    public async Task MalformedEntry_OnDetail_ServesTheInvoiceBroken()
    {
        Faults.Set("sendcloud", new SandboxFault { MalformedEntry = true });

        using var document = JsonDocument.Parse(await Client.GetBytesAsync("sendcloud", "user/invoices/1"));

        Assert.Equal(JsonValueKind.Object, document.RootElement.GetProperty("invoice").GetProperty("price_incl").ValueKind);
        Assert.Equal("not-a-date", document.RootElement.GetProperty("invoice").GetProperty("date").GetString());
    }

    [Fact]
    public async Task RemainingCount_AppliesToTheNextNRequestsThenClears()
    {
        Faults.Set("ibana", new SandboxFault { Status = 502, RemainingCount = 2 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Client.GetAsync("ibana", "v1/invoice");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK], statuses);
        Assert.Null(Faults.Get("ibana"));
    }

    [Fact]
    public async Task Clear_RestoresNormalAnswers()
    {
        Faults.Set("sendregning", new SandboxFault { Status = 500 });
        Faults.Clear("sendregning");

        using var response = await Client.GetAsync("sendregning", "invoices/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DataRequests_AreCountedPerApi_TokenRequestsSeparately()
    {
        await Client.AuthorizationAsync("goscore");
        fixture.Host.Requests.Reset();
        await Client.GoScoreTokenAsync();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Client.GetAsync("goscore", "invoices/1");
        }

        using (await Client.GetAsync("sendcloud", "user/invoices/999"))
        {
        }

        Assert.Equal(3, fixture.Host.Requests.Count("goscore"));
        Assert.Equal(1, fixture.Host.Requests.TokenCount("goscore"));
        Assert.Equal(1, fixture.Host.Requests.Count("sendcloud"));
        Assert.Equal(0, fixture.Host.Requests.Count("ibana"));
        fixture.Host.Requests.Reset();
        Assert.Equal(0, fixture.Host.Requests.Count("goscore"));
    }
}
