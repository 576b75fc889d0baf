using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using InvoiceGateway.Sandbox.Apis;

namespace InvoiceGateway.Sandbox.Tests.Apis;

public class IbanaApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task List_WithoutOrWithWrongToken_Returns401WithNestShape(string? token)
    {
        using var response = await Client.GetAsync(
            "ibana", Client.Url("ibana", "v1/invoice"), token is null ? null : new AuthenticationHeaderValue("Bearer", token), anonymous: token is null);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, body.RootElement.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task List_WhenPagedByMeta_CoversEveryInvoiceExactlyOnce()
    {
        var (invoices, pages) = await Client.ReadAllAsync("ibana", 6);

        var ids = invoices.Select(i => UpstreamClient.IdOf("ibana", i)).ToList();
        Assert.Equal(new SandboxOptions().InvoicesPerSource + 1, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(5, pages.Count);
        using var last = JsonDocument.Parse(pages[^1]);
        var meta = last.RootElement.GetProperty("meta");
        Assert.Equal(ids.Count, meta.GetProperty("total").GetInt32());
        Assert.Equal(5, meta.GetProperty("page").GetInt32());
        Assert.Equal(6, meta.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task List_HasOlderNewerAndBankAccountOnlySupplierFields()
    {
        var (invoices, _) = await Client.ReadAllAsync("ibana", 100);

        Assert.Contains(invoices, i => i.TryGetProperty("recipientName", out _) && !i.TryGetProperty("counterpartyName", out _));
        Assert.Contains(invoices, i => i.TryGetProperty("counterpartyName", out _) && !i.TryGetProperty("recipientName", out _));
        Assert.Contains(invoices, i => !i.TryGetProperty("counterpartyIban", out _) && !i.TryGetProperty("recipientIban", out _));
        Assert.All(invoices, i => Assert.StartsWith("AT", i.GetProperty("recipient").GetProperty("bankAccount").GetProperty("iban").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_CarriesTheDocumentedTypesStatusesAndLineItemFields()
    {
        var (invoices, _) = await Client.ReadAllAsync("ibana", 100);

        Assert.All(invoices, i =>
        {
            Assert.Contains(i.GetProperty("type").GetString(), new[] { "INVOICE", "REMINDER", "CREDIT_NOTE" });
            Assert.Contains(i.GetProperty("status").GetString(), new[] { "NEW", "IN_PROGRESS", "APPROVED", "REJECTED", "CANCELLED" });
            Assert.Equal("EUR", i.GetProperty("currency").GetString());
            Assert.Equal(
                i.GetProperty("totalAmount").GetDecimal(),
                i.GetProperty("lineItems").EnumerateArray().Sum(l => l.GetProperty("totalPrice").GetDecimal()));
            Assert.Equal(i.GetProperty("alreadyPaid").GetBoolean(), i.GetProperty("alreadyPaidDate").ValueKind == JsonValueKind.String);
        });
        Assert.Contains(invoices, i => i.GetProperty("skontoAmount").ValueKind == JsonValueKind.Number);
        Assert.Contains(invoices, i => i.GetProperty("billingPeriodStart").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Detail_OfSeedInvoice_HasTheDocsShapeWithRealisticValues()
    {
        var body = await Client.GetBytesAsync("ibana", $"v1/invoice/{IbanaSeed.Id}");

        using var document = JsonDocument.Parse(body);
        var invoice = document.RootElement;
        Assert.Equal("22 0391919", invoice.GetProperty("recipient").GetProperty("accountsPayableNumber").GetString());
        Assert.Equal("2023-11-07T05:31:56Z", invoice.GetProperty("createdAt").GetString());
        Assert.Equal("A1 Telekom Austria AG", invoice.GetProperty("recipientName").GetString());
        Assert.DoesNotContain("<string>", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_WhenUnknown_Returns404WithDocumentedBody()
    {
        using var response = await Client.GetAsync("ibana", "v1/invoice/00000000-0000-0000-0000-000000000000");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"statusCode":404,"message":"Invoice not found","error":"Not Found"}""", await response.Content.ReadAsStringAsync(Ct));
    }
}
