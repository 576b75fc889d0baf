using System.Diagnostics;
using System.Runtime.InteropServices;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// Returns the memory of large list reads to the operating system once they are over. A read holds its invoices (with
/// their raw JSON, the sync's rows and change tracker) for as long as it takes, often tens of seconds, so the garbage
/// collector promotes them to its oldest generation, where they die after the snapshot is built; nothing collects that
/// generation while the gateway is idle, and the server GC keeps what it committed: filling 50,000 invoices left about
/// 600 MB committed for a live heap of 100 MB (bench/results/memory-profile.md). So when at least
/// <see cref="MinimumInvoices"/> invoices were read since the last time and no list read is under way, one compacting
/// collection that decommits what it frees runs (at most every <see cref="Interval"/>: it pauses the process), after
/// <see cref="Settle"/>: when the last read ends, the frames that complete it (the cache storing the copy, the requests
/// that waited for it) still hold what it read, and a collection at once kept 151 MB live where 97 MB were left a moment
/// later (bench/results/memory-2026-12-02b.md).
/// </summary>
internal sealed partial class MemoryReclaimer(TimeProvider time, ILogger<MemoryReclaimer> logger)
{
    public const int MinimumInvoices = 10_000;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>How long after the last read ends the collection runs (when no read started meanwhile).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private int _reading;
    private long _readSinceLast;
    private DateTimeOffset? _last;
    private bool _scheduled;

    /// <summary>What runs the collection (a test replaces it).</summary>
    internal Action Collect { get; init; } = () =>
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
    };

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
            if (_scheduled || _reading > 0 || _readSinceLast < MinimumInvoices || (_last is { } last && time.GetUtcNow() - last < Interval))
            {
                return;
            }

            _scheduled = true;
        }

        _ = ReclaimAfterSettleAsync();
    }

    private async Task ReclaimAfterSettleAsync()
    {
        await Task.Delay(Settle, time).ConfigureAwait(false);
        long read;
        lock (_lock)
        {
            _scheduled = false;
            if (_reading > 0)
            {
                return; // the end of that read schedules it again
            }

            _last = time.GetUtcNow();
            read = _readSinceLast;
            _readSinceLast = 0;
        }

        var started = Stopwatch.GetTimestamp();
        Collect();
        LogReclaimed(logger, read, GC.GetTotalMemory(false) / (1024 * 1024), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Returns the C heap's free memory to the operating system too (glibc's <c>malloc_trim</c>). A read's native
    /// allocations (Brotli's encoders for the raw blocks, SQLite's pages for the sync's comparison, on many thread-pool
    /// threads) are freed when it ends, but glibc keeps what its per-thread arenas freed: about 20 MB after filling
    /// 50,000 invoices (bench/results/memory-2026-12-02b.md). .NET has no API for this and no maintained package wraps
    /// it, hence the one P/Invoke. Elsewhere than on glibc (musl, macOS, Windows) there is no such function: nothing to do.
    /// </summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Information, Message = "Returned the memory of {Invoices} invoices read: live heap {HeapMb} MB, collection took {Ms} ms")]
    private static partial void LogReclaimed(ILogger logger, long invoices, long heapMb, long ms);
}
