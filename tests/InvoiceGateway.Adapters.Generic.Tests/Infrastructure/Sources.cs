using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

/// <summary>Builds sources for the generic adapter the way the gateway would.</summary>
internal static class Sources
{
    public static readonly FakeTimeProvider Today = FakeTimeProvider.At("2024-06-15");

    public static SourceDescriptor Describe(
        string name,
        Uri baseUrl,
        string mapping,
        string? contentRoot = null,
        TimeProvider? time = null,
        UpstreamLimits? limits = null,
        params (string Key, string Value)[] options)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Mapping"] = mapping };
        foreach (var (key, value) in options)
        {
            values[key] = value;
        }

        return new SourceDescriptor
        {
            Name = name,
            BaseUrl = baseUrl,
            Options = values,
            ContentRoot = contentRoot ?? AppContext.BaseDirectory,
            Time = time ?? Today,
            Limits = limits ?? UpstreamLimits.Default,
        };
    }

    public static IInvoiceSource Create(UpstreamStub stub, string name, string mapping, string? contentRoot = null,
        TimeProvider? time = null, UpstreamLimits? limits = null, params (string Key, string Value)[] options)
    {
        var adapter = new GenericAdapter();
        var source = Describe(name, stub.BaseUrl, mapping, contentRoot, time, limits, options);
        Assert.Empty(adapter.Validate(source));
        return adapter.Create(source, stub.CreateClient());
    }
}
