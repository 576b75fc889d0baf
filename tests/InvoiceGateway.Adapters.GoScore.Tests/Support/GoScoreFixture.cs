using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.GoScore.Tests.Support;

/// <summary>A goscore source over a stub upstream, with a fixed clock.</summary>
internal static class GoScoreFixture
{
    public const string BaseUrl = "https://link.goscore.test/api/1.0/";

    public static readonly DateTimeOffset Now = new(2021, 1, 20, 12, 0, 0, TimeSpan.Zero);

    public static SourceDescriptor Descriptor(int? pageSize = null, UpstreamLimits? limits = null)
    {
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["ConsentId"] = "1" };
        if (pageSize is { } size)
        {
            options["PageSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new SourceDescriptor
        {
            Name = "goscore",
            BaseUrl = new Uri(BaseUrl),
            Options = options,
            Time = new FakeTimeProvider(Now),
            Limits = limits ?? UpstreamLimits.Default,
        };
    }

    public static IInvoiceSource Create(StubHttpHandler handler, int? pageSize = null, UpstreamLimits? limits = null) =>
        new GoScoreAdapter().Create(Descriptor(pageSize, limits), handler.CreateClient(BaseUrl));
}
