using System.Net;
using System.Text;
using System.Text.Json;

namespace InvoiceGateway.Sandbox.Tests.Control;

/// <summary>
/// <c>_sandbox/data/{api}/invoices</c>: an invoice changed, added or removed at run time is what the API's list (and
/// detail, where it has one) answers from then on. Each test has a sandbox of its own: they change its data.
/// </summary>
public sealed class DataChangeTests : IAsyncLifetime
{
    private SandboxHost _host = null!;
    private UpstreamClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 12 }, cancellationToken: Ct);
        _client = new UpstreamClient(_host);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("goscore", """{"status":"NEW","paid":false,"amount":1234.5}""", "amount", "1234.5")]
    [InlineData("sendregning", """{"total":777.25}""", "total", "777.25")]
    [InlineData("ibana", """{"status":"paid"}""", "status", "\"paid\"")]
    [InlineData("sendcloud", """{"isPayed":true,"price_incl":99.5}""", "price_incl", "99.5")]
    [InlineData("dollr", """{"status":"PAID","total_amount":42.5}""", "total_amount", "42.5")]
    public async Task Patch_ChangesTheInvoiceInTheList_AndLeavesItsIdAndTheOthers(string api, string patch, string field, string expected)
    {
        var (before, _) = await _client.ReadAllAsync(api, 5);
        var id = UpstreamClient.IdOf(api, before[3]);

        using var response = await _client.Http.PatchAsync($"_sandbox/data/{api}/invoices/{id}", Json(patch), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (after, _) = await _client.ReadAllAsync(api, 5);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(id, UpstreamClient.IdOf(api, after[3]));
        Assert.Equal(expected, after[3].GetProperty(field).GetRawText());
        for (var i = 0; i < before.Count; i++)
        {
            if (i != 3)
            {
                Assert.Equal(before[i].GetRawText(), after[i].GetRawText());
            }
        }
    }

    [Theory]
    [InlineData("goscore", """{"id":"777000111"}""")]
    [InlineData("sendregning", """{"number":99001}""")]
    [InlineData("ibana", """{"id":"inv_added_1"}""")]
    [InlineData("sendcloud", """{"id":9990001}""")]
    [InlineData("dollr", """{"id":"INV-99001"}""")]
    public async Task Post_AddsAnInvoiceAtTheEnd_AndRemoveTakesItAway(string api, string fields)
    {
        var (before, _) = await _client.ReadAllAsync(api, 5);
        var id = UpstreamClient.IdOf(api, JsonDocument.Parse(fields).RootElement);

        using var added = await _client.Http.PostAsync($"_sandbox/data/{api}/invoices", Json(fields), Ct);
        using var again = await _client.Http.PostAsync($"_sandbox/data/{api}/invoices", Json(fields), Ct);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var (withIt, _) = await _client.ReadAllAsync(api, 5);
        Assert.Equal(before.Count + 1, withIt.Count);
        Assert.Equal(id, UpstreamClient.IdOf(api, withIt[^1]));

        using var removed = await _client.Http.DeleteAsync($"_sandbox/data/{api}/invoices/{id}", Ct);
        using var removedAgain = await _client.Http.DeleteAsync($"_sandbox/data/{api}/invoices/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
        var (after, _) = await _client.ReadAllAsync(api, 5);
        Assert.Equal(before.Select(e => e.GetRawText()), after.Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task Patch_OfADetailApi_IsWhatTheDetailAnswers()
    {
        using var patched = await _client.Http.PatchAsync("_sandbox/data/sendregning/invoices/1003", Json("""{"total":5.5}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var detail = await _client.GetBytesAsync("sendregning", "invoices/1003");

        Assert.Equal(5.5m, JsonDocument.Parse(detail).RootElement.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Patch_OfSendcloud_IsWhatItsDetailAndItemsAnswer_AndTheListLinksTheItems()
    {
        using var patched = await _client.Http.PatchAsync("_sandbox/data/sendcloud/invoices/2",
            Json("""{"price_incl":8.25,"isPayed":true,"items":[{"id":7,"name":"Fuel surcharge"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var detail = JsonDocument.Parse(await _client.GetBytesAsync("sendcloud", "user/invoices/2")).RootElement.GetProperty("invoice");
        var items = JsonDocument.Parse(await _client.GetBytesAsync("sendcloud", "user/invoices/2/items")).RootElement.GetProperty("items");
        var (list, _) = await _client.ReadAllAsync("sendcloud", 5);
        var entry = list.Single(e => UpstreamClient.IdOf("sendcloud", e) == "2");

        Assert.Equal(8.25m, detail.GetProperty("price_incl").GetDecimal());
        Assert.True(detail.GetProperty("isPayed").GetBoolean());
        Assert.Equal("Fuel surcharge", Assert.Single(detail.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("Fuel surcharge", Assert.Single(items.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(8.25m, entry.GetProperty("price_incl").GetDecimal());
        Assert.Equal(_client.Url("sendcloud", "user/invoices/2/items").ToString(), entry.GetProperty("items").GetString());
    }

    [Fact]
    public async Task Patch_OfDollr_IsWhatItsDetailAnswers_AndTheListsSummary()
    {
        using var patched = await _client.Http.PatchAsync("_sandbox/data/dollr/invoices/123", Json("""{"status":"PAID","paid_at":"2023-11-01T10:00:00Z"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var detail = JsonDocument.Parse(await _client.GetBytesAsync("dollr", "v1/invoices/retrieve/123")).RootElement;
        var (list, _) = await _client.ReadAllAsync("dollr", 5);
        var summary = list.Single(e => UpstreamClient.IdOf("dollr", e) == "123");

        Assert.Equal("PAID", detail.GetProperty("status").GetString());
        Assert.Equal(2, detail.GetProperty("invoice_items").GetArrayLength()); // the rest of the detail stays
        Assert.Equal("PAID", summary.GetProperty("status").GetString());
        Assert.Equal("2023-11-01T10:00:00Z", summary.GetProperty("paid_at").GetString());
        Assert.False(summary.TryGetProperty("invoice_items", out _));
        Assert.False(summary.TryGetProperty("counterparty", out _));
    }

    [Fact]
    public async Task GoScoreConsentList_IsChangedApartFromTheMainOne()
    {
        var consent = JsonDocument.Parse(await _client.GetBytesAsync("goscore", "invoices/c7?page=1&per_page=100"), UpstreamClient.Lenient).RootElement.GetProperty("invoices");
        var id = consent[0].GetProperty("id").GetString();

        using var patched = await _client.Http.PatchAsync($"_sandbox/data/goscore/invoices/{id}?list=c7", Json("""{"status":"REJECTED"}"""), Ct);
        using var notInMain = await _client.Http.PatchAsync($"_sandbox/data/goscore/invoices/{id}", Json("""{"status":"REJECTED"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notInMain.StatusCode);
        var after = JsonDocument.Parse(await _client.GetBytesAsync("goscore", "invoices/c7?page=1&per_page=100"), UpstreamClient.Lenient).RootElement.GetProperty("invoices");
        Assert.Equal("REJECTED", after[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task GoScoreConsent_HasInvoicesPerConsentInvoices()
    {
        await using var host = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 2, InvoicesPerConsent = 7 }, cancellationToken: Ct);
        using var client = new UpstreamClient(host);

        var consent = JsonDocument.Parse(await client.GetBytesAsync("goscore", "invoices/c3?page=1&per_page=100"), UpstreamClient.Lenient).RootElement;

        Assert.Equal(7, consent.GetProperty("invoices").GetArrayLength());
    }

    [Theory]
    [InlineData("PATCH", "_sandbox/data/sendcloud/invoices/424242", """{"a":1}""", HttpStatusCode.NotFound)]
    [InlineData("PATCH", "_sandbox/data/dollr/invoices/123?list=c1", """{"a":1}""", HttpStatusCode.NotFound)]
    [InlineData("PATCH", "_sandbox/data/nosuch/invoices/1", """{"a":1}""", HttpStatusCode.NotFound)]
    [InlineData("PATCH", "_sandbox/data/goscore/invoices/0000", """{"a":1}""", HttpStatusCode.NotFound)]
    [InlineData("PATCH", "_sandbox/data/goscore/invoices/8599002184", "[1]", HttpStatusCode.BadRequest)]
    [InlineData("PATCH", "_sandbox/data/goscore/invoices/8599002184", "{", HttpStatusCode.BadRequest)]
    [InlineData("POST", "_sandbox/data/goscore/invoices", """{"status":"NEW"}""", HttpStatusCode.Conflict)]
    [InlineData("POST", "_sandbox/data/goscore/invoices?list=nope", """{"id":"1"}""", HttpStatusCode.NotFound)]
    public async Task BadChange_IsRefusedWithAProblem(string method, string path, string body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(body) };
        using var response = await _client.Http.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("error", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
