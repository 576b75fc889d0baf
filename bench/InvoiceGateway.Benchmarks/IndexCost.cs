using System.Diagnostics;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Sandbox;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// <c>InvoiceGateway.Benchmarks.dll index [invoices per snapshot] [snapshots]</c>: what the snapshots' filter indexes
/// cost to build and to hold (issue 16 items 2 and 3). Reads each sandbox source once, builds the given number of
/// snapshots of it (as 1,000 connections of 1,000 invoices each hold at 1M), and prints per source: the time to build
/// a snapshot, the time to build its indexes, and the bytes per invoice the built indexes hold (managed heap after a
/// full collection, with and without the indexes).
/// </summary>
internal static class IndexCost
{
    public static int Run(int perSnapshot, int count)
    {
        var today = new SandboxOptions().Today;
        var read = ReadAsync(perSnapshot).GetAwaiter().GetResult();
        var queries = new[] { "limit=50&q=fjordkraft", "limit=50&status=paid", "limit=50&overdue=true" }
            .Select(q => Parse(q, today)).ToArray();
        Console.WriteLine("| source | invoices per snapshot | snapshots | snapshot build µs | index build µs | index bytes per invoice | snapshot bytes per invoice |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, invoices) in read)
        {
            Console.WriteLine(Measure(name, invoices, count, queries));
        }

        return 0;
    }

    // One source at a time, in a method of its own, so that nothing of the previous source is still reachable.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Measure(string name, IReadOnlyList<Invoice> invoices, int count, InvoiceQuery[] queries)
    {
        {
            var snapshots = new SourceSnapshot[count];
            var before = Heap();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                snapshots[i] = new SourceSnapshot(invoices, [], DateTimeOffset.UtcNow);
            }

            var build = clock.Elapsed.TotalMicroseconds / count;
            var built = Heap();
            clock.Restart();
            var indexes = new object[count];
            for (var i = 0; i < count; i++)
            {
                indexes[i] = BuildIndex(snapshots[i], queries);
            }

            var index = clock.Elapsed.TotalMicroseconds / count;
            var indexed = Heap();
            double total = (double)count * invoices.Count;
            GC.KeepAlive(snapshots);
            GC.KeepAlive(indexes);
            return $"| {name} | {invoices.Count} | {count} | {build:0} | {index:0} | {(indexed - built) / total:0} | {(built - before) / total:0} |";
        }
    }

    /// <summary>A second copy of the snapshot's indexes, built as the gateway builds them, and queried once.</summary>
    private static object BuildIndex(SourceSnapshot snapshot, InvoiceQuery[] queries)
    {
        var index = new SnapshotIndex(snapshot.Facts);
        foreach (var query in queries)
        {
            _ = index.Candidates(query);
        }

        return index;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(true);
    }

    private static InvoiceQuery Parse(string query, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        return InvoiceQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)), 50, today, errors);
    }

    private static async Task<List<(string, IReadOnlyList<Invoice>)>> ReadAsync(int perSource)
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = perSource });
        using var wire = new SocketsHttpHandler();
        using var sources = SandboxSources.Create(sandbox.RootUrl, 1000, wire);
        var read = new List<(string, IReadOnlyList<Invoice>)>();
        foreach (var source in sources.All)
        {
            var listing = await source.Reader.ListAsync(CancellationToken.None);
            read.Add((source.Name, listing.Invoices.Select(i => i with { Raw = null }).ToList()));
        }

        return read;
    }
}
