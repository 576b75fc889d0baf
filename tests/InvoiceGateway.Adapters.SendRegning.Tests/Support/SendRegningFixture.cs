using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Tests.Support;

/// <summary>A sendregning source over a stub upstream, with a fixed clock.</summary>
internal static class SendRegningFixture
{
    public const string BaseUrl = "https://api.sendregning.test/v1/";

    /// <summary>Five days after the seed invoice's due date (2015-02-15).</summary>
    public static readonly DateTimeOffset Now = new(2015, 2, 20, 12, 0, 0, TimeSpan.Zero);

    public static SourceDescriptor Descriptor(int? pageSize = null, UpstreamLimits? limits = null, DateTimeOffset? now = null)
    {
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (pageSize is { } size)
        {
            options["PageSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new SourceDescriptor
        {
            Name = "sendregning",
            BaseUrl = new Uri(BaseUrl),
            Options = options,
            Time = new FakeTimeProvider(now ?? Now),
            Limits = limits ?? UpstreamLimits.Default,
        };
    }

    public static IInvoiceSource Create(
        StubHttpHandler handler, int? pageSize = null, UpstreamLimits? limits = null, DateTimeOffset? now = null) =>
        new SendRegningAdapter().Create(Descriptor(pageSize, limits, now), handler.CreateClient(BaseUrl));
}
