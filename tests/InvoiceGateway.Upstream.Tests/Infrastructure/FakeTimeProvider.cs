namespace InvoiceGateway.Upstream.Tests.Infrastructure;

/// <summary>
/// A wall clock the test moves by hand. Timers and timestamps stay real, so timeouts and retry delays
/// behave as usual while token expiry follows the fake clock.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now;

    public FakeTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock)
        {
            _now += by;
        }
    }
}
