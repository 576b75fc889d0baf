using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Sandbox;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// The cached part of <c>GET /v1/invoices</c> per request: parse the query, merge the five cached source snapshots
/// into the requested page (<see cref="InvoicePage.Build"/>) and write the response body
/// (<see cref="InvoiceListResult.WritePage"/>, <see cref="InvoiceListResult.WriteSources"/>),
/// as for a page not served before (a page served again is copied from <see cref="ListPageCache"/>). The snapshots hold real sandbox invoices, normalized once; that the
/// allocations per request do not grow with <see cref="InvoicesPerSource"/> shows nothing is re-parsed, re-mapped,
/// re-serialized or re-sorted per request.
/// </summary>
[MemoryDiagnoser]
public class ListPageBenchmarks
{
    private const int MaxPerSource = 10_000;
    private static readonly Lazy<Task<List<(string Name, Contracts.SourceListing Listing)>>> Read = new(ReadAllAsync);

    private static readonly Dictionary<int, SourceOutcome[]> Snapshots = [];

    private readonly ArrayBufferWriter<byte> _body = new(256 * 1024);
    private SourceOutcome[] _outcomes = [];
    private Utf8JsonWriter _writer = null!;

    [Params(1_000, MaxPerSource)]
    public int InvoicesPerSource { get; set; }

    [Params("limit=50", "limit=50&sort=-gross&status=overdue")]
    public string Query { get; set; } = "";

    // Synchronous: the in-process toolchain does not await an async GlobalSetup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        if (!Snapshots.TryGetValue(InvoicesPerSource, out var outcomes))
        {
            var listings = await Read.Value;
            outcomes = listings
                .Select(l => new SourceOutcome(l.Name, SourceState.Ok,
                    new SourceSnapshot(l.Listing.Invoices.Take(InvoicesPerSource).ToArray(), l.Listing.Notices, DateTimeOffset.UtcNow), 0, null))
                .ToArray();
            Snapshots[InvoicesPerSource] = outcomes;
        }

        _outcomes = outcomes;
        _writer = new Utf8JsonWriter(_body, new JsonWriterOptions { SkipValidation = true });

        // The first request of an order sorts each snapshot once; the cached path is what is measured.
        Page();
    }

    [Benchmark]
    public int Page()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // The sandbox's "today": some invoices are overdue, so the served-overdue patch is part of what is measured.
        var query = InvoiceQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(Query)), 50, new SandboxOptions().Today, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors.Keys));
        }

        var page = InvoicePage.Build(_outcomes.Select(o => o.Snapshot!), query);
        _body.ResetWrittenCount();
        _writer.Reset(_body);
        InvoiceListResult.WritePage(_writer, page, query.IncludeRaw, query.Today);
        InvoiceListResult.WriteSources(_body, _outcomes, complete: true);
        return _body.WrittenCount;
    }

    private static async Task<List<(string, Contracts.SourceListing)>> ReadAllAsync()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = MaxPerSource });
        using var wire = new SocketsHttpHandler();
        using var sources = SandboxSources.Create(sandbox.RootUrl, 1000, wire);
        var read = new List<(string, Contracts.SourceListing)>();
        foreach (var source in sources.All)
        {
            read.Add((source.Name, await source.Reader.ListAsync(CancellationToken.None)));
        }

        return read;
    }
}
