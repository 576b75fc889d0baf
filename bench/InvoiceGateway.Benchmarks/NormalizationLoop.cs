using System.Diagnostics;
using System.Globalization;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// <c>InvoiceGateway.Benchmarks profile &lt;source&gt; &lt;seconds&gt;</c>: reads one source's page (as
/// <see cref="NormalizationBenchmarks"/> does) in a loop for a while, for a profiler to attach to
/// (<c>dotnet-trace collect -- dotnet InvoiceGateway.Benchmarks.dll profile sendregning 20</c>). Prints invoices per
/// second (with <c>alloc</c> after the seconds: the sampled allocations by type), CPU time per invoice (process CPU time, all threads: on a loaded machine CPU time moves far less than wall
/// time) and bytes allocated per invoice.
/// </summary>
internal static class NormalizationLoop
{
    public static int Run(string source, double seconds, bool allocations = false)
    {
        using var sampler = allocations ? new AllocationSampler() : null;
        var benchmarks = new NormalizationBenchmarks();
        benchmarks.Setup();
        foreach (var (request, bytes) in NormalizationBenchmarks.ReplayedBodies().Where(r => r.Request.Contains(source, StringComparison.Ordinal)).Take(5))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{request}: {bytes} bytes"));
        }

        try
        {
            // Warm up first (tiered JIT, pools), so that the CPU time measured is the loop's.
            var warmup = Stopwatch.StartNew();
            while (warmup.Elapsed.TotalSeconds < 2)
            {
                benchmarks.ListAsync(source).GetAwaiter().GetResult();
            }

            var invoices = 0L;
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            sampler?.Enabled = true;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                invoices += benchmarks.ListAsync(source).GetAwaiter().GetResult().Invoices.Count;
            }

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            sampler?.Enabled = false;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{source}: {invoices} invoices in {clock.Elapsed.TotalSeconds:F1} s: {clock.Elapsed.TotalMicroseconds / invoices:F2} us wall and {cpu.TotalMicroseconds / invoices:F2} us CPU (all threads) per invoice = {invoices / cpu.TotalSeconds:F0} invoices per CPU-second; {allocated / (double)invoices:F0} B allocated per invoice; load {load}"));
            foreach (var (type, bytes) in sampler?.Top(25) ?? [])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / (double)invoices,8:F0} B per invoice (sampled)  {type}"));
            }

            return 0;
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }
}
