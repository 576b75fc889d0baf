using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/InvoiceGateway.Benchmarks -- --filter '*'</c>. Release builds only.
/// Benchmarks run in-process (no generated project to build) with a short job; <c>--job</c> on the command line
/// adds another job. With <c>OperationsPerInvoke</c> = invoices per call, <c>Mean</c>, <c>Op/s</c> and
/// <c>Allocated</c> are per invoice: Op/s is invoices per second on one core.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
#if DEBUG
        Console.Error.WriteLine("Benchmarks are meaningful in Release only: dotnet run -c Release --project bench/InvoiceGateway.Benchmarks");
        return 1;
#else
        if (args is ["profile", var source, var seconds])
        {
            return NormalizationLoop.Run(source, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (args is ["profile", var sampled, var time, "alloc"])
        {
            return NormalizationLoop.Run(sampled, double.Parse(time, System.Globalization.CultureInfo.InvariantCulture), allocations: true);
        }

        if (args is ["index", var perSnapshot, var snapshots])
        {
            return IndexCost.Run(int.Parse(perSnapshot, System.Globalization.CultureInfo.InvariantCulture), int.Parse(snapshots, System.Globalization.CultureInfo.InvariantCulture));
        }

        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.OperationsPerSecond);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
#endif
    }
}
