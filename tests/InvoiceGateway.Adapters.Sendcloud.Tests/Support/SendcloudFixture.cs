using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Sendcloud.Tests.Support;

/// <summary>A sendcloud source over a stub upstream, with a fixed clock.</summary>
internal static class SendcloudFixture
{
    public const string BaseUrl = "https://panel.sendcloud.test/api/v2/";

    public static readonly DateTimeOffset Now = new(2021, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public static SourceDescriptor Descriptor(params (string Key, string? Value)[] options) => new()
    {
        Name = "sendcloud",
        BaseUrl = new Uri(BaseUrl),
        Options = options.ToDictionary(o => o.Key, o => o.Value, StringComparer.OrdinalIgnoreCase),
        Time = new FakeTimeProvider(Now),
    };

    public static IInvoiceSource Create(StubHttpHandler handler, SourceDescriptor? descriptor = null) =>
        new SendcloudAdapter().Create(descriptor ?? Descriptor(), handler.CreateClient(BaseUrl));
}
