using AutoMapper.Internal;
using InvoiceGateway.Adapters.Sendcloud.Mapping;
using InvoiceGateway.Adapters.Sendcloud.Tests.Support;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud.Tests;

public class SendcloudAdapterTests
{
    [Fact]
    public void MappingConfiguration_WhenBuilt_IsValid() =>
        SendcloudMapping.Configuration.AssertConfigurationIsValid();

    [Fact]
    public void MappingConfiguration_EveryMap_IsDepthBounded() =>
        Assert.All(SendcloudMapping.Configuration.Internal().GetAllTypeMaps(), map => Assert.Equal(SendcloudMapping.MaxDepth, map.MaxDepth));

    [Fact]
    public void Adapter_Always_DescribesItselfAsSpecified()
    {
        var adapter = new SendcloudAdapter();

        Assert.Equal("sendcloud", adapter.Name);
        Assert.Equal("EUR", adapter.DefaultCurrency);
        Assert.Equal(InvoiceDirection.Payable, adapter.DefaultDirection);
        var auth = ((IInvoiceAdapter)adapter).DescribeAuth(SendcloudFixture.Descriptor());
        Assert.Equal("basic", auth?.Type);
        Assert.Equal("https://account.sendcloud.com/oauth2/token/", auth?.TokenUrl);
    }
}
