namespace InvoiceGateway.Caching.Tests.Support;

/// <summary>
/// A clock that moves only when told. Only the clock is fake: timers and timestamps are the real
/// ones, so Redis call timeouts and lock polling behave as in production while ages are controlled.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private long _utcTicks = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
