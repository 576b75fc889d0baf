using BenchmarkDotNet.Attributes;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Sandbox;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// Each adapter's list read as the gateway runs it (the source's reader over its upstream client: auth,
/// resilience, size limits), on one realistic page of 100 sandbox invoices whose upstream answers are
/// replayed from memory: what is measured is reading the JSON and mapping it to canonical invoices, no socket.
/// Per invoice (OperationsPerInvoke): Mean, Op/s (invoices per second on one core) and Allocated (bytes).
/// Dollr's list holds summaries, so its read includes one detail request per invoice (as upstream).
/// </summary>
[MemoryDiagnoser]
public class NormalizationBenchmarks
{
    /// <summary>The sandbox serves its documented seed invoice(s) plus this many: 100 per API (Sendcloud and SendRegning have two seeds).</summary>
    private const int Generated = 99;
    private const int PageSize = 100;
    private const int SendcloudInvoices = 101;
    private const int SendRegningInvoices = 101;

    private static readonly Lazy<Task<Dictionary<string, CapturedResponse>>> Captured = new(CaptureAsync);
    private SourceRegistry _sources = null!;

    // Synchronous: the in-process toolchain does not await an async GlobalSetup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var responses = await Captured.Value;
        var root = new Uri(responses.Keys.First(k => k.StartsWith("GET ", StringComparison.Ordinal))[4..]);
        _sources = SandboxSources.Create(new Uri(root.GetLeftPart(UriPartial.Authority) + "/"), PageSize, new ReplayHandler(responses));
        foreach (var name in SandboxSources.Names)
        {
            var listing = await ListAsync(name);
            var expected = name switch
            {
                "sendcloud" => SendcloudInvoices,
                "sendregning" => SendRegningInvoices,
                _ => PageSize,
            };
            if (listing.Invoices.Count != expected || listing.Notices.Count != 0)
            {
                throw new InvalidOperationException(
                    $"{name}: {listing.Invoices.Count} invoices and {listing.Notices.Count} notices, expected {expected} and none.");
            }
        }
    }

    /// <summary>The upstream answers replayed, by request ("GET url"), with their body sizes.</summary>
    internal static IEnumerable<(string Request, int Bytes)> ReplayedBodies() =>
        Captured.Value.GetAwaiter().GetResult().Select(r => (r.Key, r.Value.Body.Length));

    /// <summary>The upstream answers replayed, by request ("GET url").</summary>
    internal static IReadOnlyDictionary<string, CapturedResponse> Responses() => Captured.Value.GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _sources.Dispose();

    [Benchmark(OperationsPerInvoke = PageSize, Description = "goscore")]
    public Task<SourceListing> GoScore() => ListAsync("goscore");

    [Benchmark(OperationsPerInvoke = SendcloudInvoices, Description = "sendcloud")]
    public Task<SourceListing> Sendcloud() => ListAsync("sendcloud");

    [Benchmark(OperationsPerInvoke = SendRegningInvoices, Description = "sendregning")]
    public Task<SourceListing> SendRegning() => ListAsync("sendregning");

    [Benchmark(OperationsPerInvoke = PageSize, Description = "generic/ibana")]
    public Task<SourceListing> GenericIbana() => ListAsync("ibana");

    [Benchmark(OperationsPerInvoke = PageSize, Description = "generic/dollr")]
    public Task<SourceListing> GenericDollr() => ListAsync("dollr");

    internal Task<SourceListing> ListAsync(string name) => _sources.Find(name)!.Reader.ListAsync(CancellationToken.None);

    /// <summary>Reads every source once from a real sandbox, keeping each upstream answer.</summary>
    private static async Task<Dictionary<string, CapturedResponse>> CaptureAsync()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = Generated });
        using var recording = new Recording();
        using (var sources = SandboxSources.Create(sandbox.RootUrl, PageSize, recording))
        {
            foreach (var source in sources.All)
            {
                await source.Reader.ListAsync(CancellationToken.None);
            }
        }

        return new Dictionary<string, CapturedResponse>(recording.Responses, StringComparer.Ordinal);
    }
}
