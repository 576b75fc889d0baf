using BenchmarkDotNet.Attributes;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Sandbox;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// Cost of one filtered <c>GET /v1/invoices</c> page versus the number of cached invoices (issue 16 item 3): the
/// page as the gateway builds it (<see cref="InvoicePage.Build"/>, with the snapshots' indexes) against a scan that
/// tests every invoice (what a page costs when its filter matches fewer than <c>limit</c> invoices and nothing is
/// indexed). Five sources of <c>Total / 5</c> invoices each: 2,000 real sandbox invoices per source, copied with new
/// ids and numbers up to the size (so a text filter keeps its share of matches, and one invoice number is unique).
/// </summary>
[MemoryDiagnoser]
public class FilteredListBenchmarks
{
    private const int RealPerSource = 2_000;

    /// <summary>An invoice number that exists once among all the copies.</summary>
    private const string UniqueNumber = "U-4242-UNIQUE";

    private static readonly Lazy<Task<List<(string Name, SourceListing Listing)>>> Read = new(ReadAllAsync);
    private static readonly Dictionary<int, SourceSnapshot[]> BySize = [];

    private SourceSnapshot[] _snapshots = [];
    private InvoiceQuery _query = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Total { get; set; }

    [Params(
        "limit=50&q=" + UniqueNumber,
        "limit=50&q=havblikk&status=open",
        "limit=50&status=partiallyPaid",
        "limit=50&overdue=true&sort=-gross")]
    public string Query { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        if (!BySize.TryGetValue(Total, out var snapshots))
        {
            // One size at a time in memory: a million invoices is several GB.
            BySize.Clear();
            GC.Collect();
            snapshots = Read.Value.GetAwaiter().GetResult().Select(l => Scale(l.Listing.Invoices, Total / 5)).ToArray();
            BySize[Total] = snapshots;
        }

        _snapshots = snapshots;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        _query = InvoiceQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(Query)), 50, new SandboxOptions().Today, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors.Keys));
        }

        // A snapshot is built with its indexes and default order; the first request of another order sorts each
        // snapshot, once. What is measured is every request after it.
        Page();
    }

    [Benchmark(Baseline = true)]
    public int Page() => InvoicePage.Build(_snapshots, _query).Items.Count;

    [Benchmark]
    public int Scan()
    {
        var matches = 0;
        foreach (var snapshot in _snapshots)
        {
            var view = snapshot.Order(_query.Order);
            foreach (var index in view.Indexes)
            {
                if (_query.Matches(snapshot.Facts[index]) && ++matches == 51)
                {
                    return matches;
                }
            }
        }

        return matches;
    }

    private static SourceSnapshot Scale(IReadOnlyList<Invoice> real, int size)
    {
        var invoices = new Invoice[size];
        for (var i = 0; i < size; i++)
        {
            var original = real[i % real.Count];
            var copy = i / real.Count;
            // Raw payloads are left out: a filter never reads them, and compressing a million would only slow the setup.
            invoices[i] = copy == 0 && i != size / 2
                ? original with { Raw = null }
                : original with
                {
                    Raw = null,
                    Id = $"{original.Id}-{copy}-{i}",
                    SourceId = $"{original.SourceId}-{copy}-{i}",
                    Number = i == size / 2 && original.Source == "sendregning" ? UniqueNumber : $"{original.Number}-{copy}",
                };
        }

        return new SourceSnapshot(invoices, [], DateTimeOffset.UtcNow);
    }

    private static async Task<List<(string, SourceListing)>> ReadAllAsync()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = RealPerSource });
        using var wire = new SocketsHttpHandler();
        using var sources = SandboxSources.Create(sandbox.RootUrl, 1000, wire);
        var read = new List<(string, SourceListing)>();
        foreach (var source in sources.All)
        {
            read.Add((source.Name, await source.Reader.ListAsync(CancellationToken.None)));
        }

        return read;
    }
}
