using AutoMapper.Internal;
using InvoiceGateway.Adapters.GoScore.Mapping;
using InvoiceGateway.Adapters.GoScore.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore.Tests;

public class GoScoreAdapterTests
{
    private static SourceDescriptor WithOptions(params (string Key, string? Value)[] options) =>
        GoScoreFixture.Descriptor() with
        {
            Options = options.ToDictionary(o => o.Key, o => o.Value, StringComparer.OrdinalIgnoreCase),
        };

    [Fact]
    public void MappingConfiguration_WhenBuilt_IsValid() =>
        GoScoreMapping.Configuration.AssertConfigurationIsValid();

    [Fact]
    public void MappingConfiguration_EveryMap_IsDepthBounded() =>
        Assert.All(GoScoreMapping.Configuration.Internal().GetAllTypeMaps(), map => Assert.Equal(GoScoreMapping.MaxDepth, map.MaxDepth));

    [Fact]
    public void Adapter_Always_DescribesItselfAsSpecified()
    {
        var adapter = new GoScoreAdapter();

        Assert.Equal("goscore", adapter.Name);
        Assert.Equal("NOK", adapter.DefaultCurrency);
        Assert.Equal(InvoiceDirection.Payable, adapter.DefaultDirection);
        Assert.Equal(TokenExchange.GoScore, ((IInvoiceAdapter)adapter).DescribeAuth(GoScoreFixture.Descriptor())?.TokenExchange);
    }

    [Fact]
    public void Validate_WhenConsentIdAndPageSizeAreValid_ReturnsNoProblems() =>
        Assert.Empty(new GoScoreAdapter().Validate(WithOptions(("ConsentId", "1"), ("PageSize", "1000"))));

    [Fact]
    public void Validate_WhenConsentIdIsMissing_NamesTheOption()
    {
        var problem = Assert.Single(new GoScoreAdapter().Validate(WithOptions(("ConsentId", " "))));

        Assert.StartsWith("Options:ConsentId is required", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    [InlineData("2.5")]
    public void Validate_WhenPageSizeIsNotAWholeNumberInRange_NamesTheOptionAndValue(string pageSize)
    {
        var problem = Assert.Single(new GoScoreAdapter().Validate(WithOptions(("ConsentId", "1"), ("PageSize", pageSize))));

        Assert.Equal($"Options:PageSize must be a whole number from 1 to 1000, not '{pageSize}'.", problem);
    }

    [Fact]
    public void Validate_WhenEverythingIsWrong_ReturnsEveryProblem() =>
        Assert.Equal(2, new GoScoreAdapter().Validate(WithOptions(("PageSize", "abc"))).Count);

    [Fact]
    public void Create_WhenOptionsAreInvalid_Throws()
    {
        using var handler = new StubHttpHandler(_ => throw new InvalidOperationException());
        using var http = handler.CreateClient(GoScoreFixture.BaseUrl);

        var error = Assert.Throws<ArgumentException>(() => new GoScoreAdapter().Create(WithOptions(), http));

        Assert.Contains("Options:ConsentId", error.Message, StringComparison.Ordinal);
    }
}
