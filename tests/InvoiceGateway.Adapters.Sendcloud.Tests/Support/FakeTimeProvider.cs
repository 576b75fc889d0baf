namespace InvoiceGateway.Adapters.Sendcloud.Tests.Support;

/// <summary>A clock that stands still.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
