using System.Diagnostics;
using System.Globalization;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Gateway.Tests.Tenancy;

/// <summary>
/// 200 tenants with 5 GoScore connections each (a consent per connection), all through HTTP: each tenant
/// sees exactly its own 25 invoices. Memory and list latency at that size are measured and written to the
/// test output (a measurement, not an assertion: see README "Tenants and connections").
/// </summary>
public sealed class ScaleTests(ITestOutputHelper output)
{
    private const int Tenants = 200;
    private const int ConnectionsPerTenant = 5;
    private const int InvoicesPerConsent = 5;

    [Fact]
    public async Task TwoHundredTenants_FiveConnectionsEach_EachSeesExactlyItsOwnInvoices()
    {
        await using var sandbox = await SandboxHost.StartAsync(
            new SandboxOptions { InvoicesPerSource = 10, InvoicesPerConsent = InvoicesPerConsent }, cancellationToken: TestContext.Current.CancellationToken);
        await using var gateway = await GatewayServer.StartAsync(TenantSetup.For(sandbox, ("Gateway:RateLimit:PermitLimit", "1000000")));
        var memoryBefore = HeapAfterCollection();

        var clients = new HttpClient[Tenants];
        var created = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Tenants, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (t, _) =>
        {
            clients[t] = await TenantSetup.TenantClientAsync(gateway, $"scale-{t}");
            for (var c = 0; c < ConnectionsPerTenant; c++)
            {
                await TenantSetup.ConnectGoScoreAsync(clients[t], $"goscore-{c}", $"c{Consent(t, c)}");
            }
        });
        created.Stop();
        var memoryAfter = HeapAfterCollection();

        var latencies = new List<double>();
        for (var t = 0; t < Tenants; t++)
        {
            var started = Stopwatch.GetTimestamp();
            var (invoices, _) = await clients[t].GetAllAsync("limit=500");
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            var expected = Enumerable.Range(0, ConnectionsPerTenant)
                .SelectMany(c => Enumerable.Range(0, InvoicesPerConsent).Select(i => $"goscore-{c}:{1_000_000_000_000L + (Consent(t, c) * 1_000L) + i}"));
            Assert.Equal(expected.Order(StringComparer.Ordinal), invoices.Select(i => i.Str("id")!).Order(StringComparer.Ordinal));
        }

        latencies.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Tenants} tenants x {ConnectionsPerTenant} connections created in {created.Elapsed.TotalSeconds:0.0} s; managed heap +{(memoryAfter - memoryBefore) / 1024.0 / 1024.0:0.0} MiB "
            + $"(gateway, sandbox and test in one process); list of 25 invoices (warm) p50 {latencies[latencies.Count / 2]:0.00} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:0.00} ms"));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static int Consent(int tenant, int connection) => (tenant * ConnectionsPerTenant) + connection + 1;

    private static long HeapAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
