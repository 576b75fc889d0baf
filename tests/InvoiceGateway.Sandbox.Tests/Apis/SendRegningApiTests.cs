using System.Net;
using System.Text.Json;
using InvoiceGateway.Sandbox.Apis;

namespace InvoiceGateway.Sandbox.Tests.Apis;

public class SendRegningApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private UpstreamClient Client => fixture.Client;

    [Fact]
    public async Task List_WithoutCredentials_Returns401WithoutBody()
    {
        using var response = await Client.GetAsync("sendregning", Client.Url("sendregning", "invoices/"), anonymous: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task List_WithWrongPassword_Returns401()
    {
        using var response = await Client.GetAsync(
            "sendregning", Client.Url("sendregning", "invoices/"), UpstreamClient.Basic(SandboxCredentials.SendRegningUsername, "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task List_WhenFollowingLinkNext_CoversEveryInvoiceExactlyOnce()
    {
        var (invoices, pages) = await Client.ReadAllAsync("sendregning", 4);

        var numbers = invoices.Select(i => UpstreamClient.IdOf("sendregning", i)).ToList();
        Assert.Equal(new SandboxOptions().InvoicesPerSource + 2, numbers.Count); // the docs' example and the complete invoice
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(7, pages.Count);
    }

    [Fact]
    public async Task List_LinkNext_IsAbsoluteFromOddPagesAndRelativeFromEvenPages()
    {
        using var first = await Client.GetAsync("sendregning", "invoices/?page=1&perPage=5");
        using var second = await Client.GetAsync("sendregning", "invoices/?page=2&perPage=5");

        var absolute = UpstreamClient.NextLink(first)!;
        var relative = UpstreamClient.NextLink(second)!;
        Assert.True(Uri.IsWellFormedUriString(absolute, UriKind.Absolute));
        Assert.Equal(new Uri(Client.Host.RootUrl, "sendregning/invoices/?page=2&perPage=5").ToString(), absolute);
        Assert.False(Uri.IsWellFormedUriString(relative, UriKind.Absolute));
        Assert.Equal("/sendregning/invoices/?page=3&perPage=5", relative);
    }

    [Fact]
    public async Task List_OnLastPage_HasNoLinkNext()
    {
        using var response = await Client.GetAsync("sendregning", "invoices/?page=6&perPage=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(UpstreamClient.NextLink(response));
        Assert.Equal(2, UpstreamClient.Elements(await response.Content.ReadAsByteArrayAsync(Ct), null).Count);
    }

    [Fact]
    public async Task Detail_OfSeedInvoice_IsValidJsonWithTheDocsValues()
    {
        var body = await Client.GetBytesAsync("sendregning", "invoices/123");

        using var document = JsonDocument.Parse(body);
        var invoice = document.RootElement;
        Assert.Equal(123, invoice.GetProperty("number").GetInt32());
        Assert.Equal("22.22", invoice.GetProperty("total").GetRawText());
        Assert.Equal("11.11", invoice.GetProperty("tax").GetRawText());
        Assert.Equal("47474747", invoice.GetProperty("recipient").GetProperty("mobile").GetString());
        Assert.Equal("NORGE", invoice.GetProperty("recipient").GetProperty("address").GetProperty("country").GetString());
        Assert.Equal("151.5", invoice.GetProperty("items")[0].GetProperty("total").GetRawText());
        Assert.Equal(JsonValueKind.Null, invoice.GetProperty("international").ValueKind);
        using var docs = JsonDocument.Parse(SendRegningApi.SeedInvoice);
        Assert.True(JsonElement.DeepEquals(docs.RootElement, invoice));
    }

    [Fact]
    public async Task Detail_OfTheCompleteInvoice_CarriesTheTermsEn16931Needs()
    {
        using var document = JsonDocument.Parse(await Client.GetBytesAsync("sendregning", $"invoices/{SendRegningApi.CompleteNumber}"));
        var invoice = document.RootElement;

        Assert.Equal("913456782", invoice.GetProperty("originator").GetProperty("organisationNumber").GetString());
        Assert.Equal("Storgata 12", invoice.GetProperty("originator").GetProperty("address").GetProperty("address1").GetString());
        Assert.Equal("998877665", invoice.GetProperty("recipient").GetProperty("organisationNumber").GetString());
        Assert.Equal("NO3515032245871", invoice.GetProperty("international").GetProperty("iban").GetString());
        var items = invoice.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, item =>
        {
            Assert.False(string.IsNullOrEmpty(item.GetProperty("unit").GetString()));
            Assert.True(item.GetProperty("taxRate").GetDecimal() > 0);
        });
        Assert.Equal(invoice.GetProperty("total").GetDecimal(), items.Sum(i => i.GetProperty("total").GetDecimal()));
        Assert.Equal(invoice.GetProperty("total").GetDecimal(), invoice.GetProperty("currentBalance").GetDecimal());
    }

    [Fact]
    public async Task Detail_OfEveryListedInvoice_IsTheSameObjectAsInTheList()
    {
        var (invoices, _) = await Client.ReadAllAsync("sendregning", 50);

        foreach (var listed in invoices)
        {
            using var document = JsonDocument.Parse(await Client.GetBytesAsync("sendregning", $"invoices/{UpstreamClient.IdOf("sendregning", listed)}"));
            Assert.True(JsonElement.DeepEquals(listed, document.RootElement));
        }
    }

    [Fact]
    public async Task List_GeneratedInvoices_HaveConsistentTotalsAndSomeInternationalPayments()
    {
        var (invoices, _) = await Client.ReadAllAsync("sendregning", 50);
        var generated = invoices.Skip(1).ToList();

        Assert.All(generated, invoice =>
        {
            var items = invoice.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(invoice.GetProperty("total").GetDecimal(), items.Sum(i => i.GetProperty("total").GetDecimal()));
            Assert.Equal(
                invoice.GetProperty("tax").GetDecimal(),
                items.Sum(i => i.GetProperty("total").GetDecimal() - i.GetProperty("totalWithoutTax").GetDecimal()));
            Assert.InRange(invoice.GetProperty("currentBalance").GetDecimal(), 0m, invoice.GetProperty("total").GetDecimal());
        });
        Assert.Contains(generated, i => i.GetProperty("international").ValueKind == JsonValueKind.Object);
        Assert.Contains(generated, i => i.GetProperty("currentBalance").GetDecimal() == 0m);
    }

    [Fact]
    public async Task Detail_WhenUnknown_Returns404WithoutBody()
    {
        using var response = await Client.GetAsync("sendregning", "invoices/999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }
}
