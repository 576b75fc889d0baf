using InvoiceGateway.Gateway.Aggregation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceGateway.Gateway.Tests.Caching;

/// <summary>
/// When the memory of list reads is returned: after enough invoices, a moment (<see cref="MemoryReclaimer.Settle"/>) after
/// the last read under way ends, at most once per interval.
/// </summary>
public sealed class MemoryReclaimerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly SemaphoreSlim _collected = new(0);

    private MemoryReclaimer Reclaimer() =>
        new(_clock, NullLogger<MemoryReclaimer>.Instance) { Collect = () => _collected.Release() };

    /// <summary>Lets <see cref="MemoryReclaimer.Settle"/> pass and tells whether a collection ran.</summary>
    private async Task<bool> CollectedAfterSettleAsync()
    {
        _clock.Advance(MemoryReclaimer.Settle);
        return await _collected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Reads_OfEnoughInvoices_AreReclaimedOnce_WhenTheLastReadEnds()
    {
        var reclaimer = Reclaimer();
        reclaimer.ReadStarted();
        reclaimer.ReadStarted();
        reclaimer.ReadEnded(MemoryReclaimer.MinimumInvoices);
        Assert.Equal(0, _collected.CurrentCount); // another read is still under way

        reclaimer.ReadEnded(5);
        Assert.False(await _collected.WaitAsync(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken)); // not at once

        Assert.True(await CollectedAfterSettleAsync());
    }

    [Fact]
    public async Task A_ReadThatStarts_WhileSettling_PostponesTheCollection_UntilItEnds()
    {
        var reclaimer = Reclaimer();
        reclaimer.ReadStarted();
        reclaimer.ReadEnded(MemoryReclaimer.MinimumInvoices);
        reclaimer.ReadStarted();
        _clock.Advance(MemoryReclaimer.Settle);
        Assert.False(await _collected.WaitAsync(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));

        reclaimer.ReadEnded(0); // what was read before still counts

        Assert.True(await CollectedAfterSettleAsync());
    }

    [Fact]
    public async Task Reads_OfFewInvoices_OrWithinTheInterval_AreNotReclaimed()
    {
        var reclaimer = Reclaimer();
        reclaimer.ReadStarted();
        reclaimer.ReadEnded(MemoryReclaimer.MinimumInvoices - 1);
        reclaimer.ReadStarted();
        reclaimer.ReadEnded(1);
        Assert.True(await CollectedAfterSettleAsync());

        _clock.Advance(MemoryReclaimer.Interval - TimeSpan.FromSeconds(1));
        reclaimer.ReadStarted();
        reclaimer.ReadEnded(MemoryReclaimer.MinimumInvoices);
        _clock.Advance(TimeSpan.FromSeconds(1));
        reclaimer.ReadStarted();
        reclaimer.ReadEnded(0); // the interval has passed: what was read meanwhile counts

        Assert.True(await CollectedAfterSettleAsync());
        Assert.False(await _collected.WaitAsync(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));
    }
}
