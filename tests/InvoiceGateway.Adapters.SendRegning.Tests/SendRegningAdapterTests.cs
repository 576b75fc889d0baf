using InvoiceGateway.Adapters.SendRegning.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Tests;

public class SendRegningAdapterTests
{
    private static SourceDescriptor WithPageSize(string? pageSize) =>
        SendRegningFixture.Descriptor() with
        {
            Options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["PageSize"] = pageSize },
        };

    [Fact]
    public void Adapter_Always_DescribesItselfAsSpecified()
    {
        var adapter = new SendRegningAdapter();

        Assert.Equal("sendregning", adapter.Name);
        Assert.Equal("NOK", adapter.DefaultCurrency);
        Assert.Equal(InvoiceDirection.Receivable, adapter.DefaultDirection);
        Assert.Equal("basic", ((IInvoiceAdapter)adapter).DescribeAuth(SendRegningFixture.Descriptor())?.Type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    [InlineData(" 1000 ")]
    public void Validate_WhenPageSizeIsAbsentOrInRange_ReturnsNoProblems(string? pageSize) =>
        Assert.Empty(new SendRegningAdapter().Validate(WithPageSize(pageSize)));

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("1001")]
    public void Validate_WhenPageSizeIsNotAWholeNumberInRange_NamesTheOptionAndValue(string pageSize) =>
        Assert.Equal(
            $"Options:PageSize must be a whole number from 1 to 1000, not '{pageSize}'.",
            Assert.Single(new SendRegningAdapter().Validate(WithPageSize(pageSize))));

    [Fact]
    public async Task Create_WhenSourceSetsDirection_UsesIt()
    {
        using var handler = new StubHttpHandler(_ => StubHttpHandler.Json("""[{"number":1}]"""));
        var descriptor = SendRegningFixture.Descriptor() with { Direction = InvoiceDirection.Payable, Currency = "SEK" };

        var listing = await new SendRegningAdapter().Create(descriptor, handler.CreateClient(SendRegningFixture.BaseUrl))
            .ListAsync(TestContext.Current.CancellationToken);

        var invoice = Assert.Single(listing.Invoices);
        Assert.Equal(InvoiceDirection.Payable, invoice.Direction);
        Assert.Equal("SEK", invoice.Currency);
    }
}
