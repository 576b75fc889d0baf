using System.Diagnostics;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// Returns the memory of large list reads to the operating system once they are over. A read holds its invoices (with
/// their raw JSON, the sync's rows and change tracker) for as long as it takes, often tens of seconds, so the garbage
/// collector promotes them to its oldest generation, where they die after the snapshot is built; nothing collects that
/// generation while the gateway is idle, and the server GC keeps what it committed: filling 50,000 invoices left about
/// 600 MB committed for a live heap of 100 MB (bench/results/memory-profile.md). So when at least
/// <see cref="MinimumInvoices"/> invoices were read since the last time and no list read is under way, one compacting
/// collection that decommits what it frees runs (at most every <see cref="Interval"/>: it pauses the process).
/// </summary>
internal sealed partial class MemoryReclaimer(TimeProvider time, ILogger<MemoryReclaimer> logger)
{
    public const int MinimumInvoices = 10_000;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private int _reading;
    private long _readSinceLast;
    private DateTimeOffset? _last;

    /// <summary>What runs the collection (a test replaces it).</summary>
    internal Action Collect { get; init; } = () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>A list read starts.</summary>
    public void ReadStarted()
    {
        lock (_lock)
        {
            _reading++;
        }
    }

    /// <summary>A list read ended with <paramref name="invoices"/> read (0 when it failed).</summary>
    public void ReadEnded(int invoices)
    {
        lock (_lock)
        {
            _reading--;
            _readSinceLast += invoices;
            var now = time.GetUtcNow();
            if (_reading > 0 || _readSinceLast < MinimumInvoices || (_last is { } last && now - last < Interval))
            {
                return;
            }

            _last = now;
            var read = _readSinceLast;
            _readSinceLast = 0;
            _ = Task.Run(() => Reclaim(read));
        }
    }

    private void Reclaim(long read)
    {
        var started = Stopwatch.GetTimestamp();
        Collect();
        LogReclaimed(logger, read, GC.GetTotalMemory(false) / (1024 * 1024), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Returned the memory of {Invoices} invoices read: live heap {HeapMb} MB, collection took {Ms} ms")]
    private static partial void LogReclaimed(ILogger logger, long invoices, long heapMb, long ms);
}
