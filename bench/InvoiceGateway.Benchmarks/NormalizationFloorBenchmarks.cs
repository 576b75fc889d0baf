using System.Text.Json;
using BenchmarkDotNet.Attributes;
using InvoiceGateway.Adapters.Generic;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Benchmarks;

/// <summary>
/// What normalization cannot go below, and what Dollr's normalization costs without its upstream requests, over the
/// same captured upstream answers as <see cref="NormalizationBenchmarks"/> (per invoice, OperationsPerInvoke):
/// <list type="bullet">
/// <item><c>floor/&lt;source&gt;</c>: parsing the invoice bodies into a <see cref="JsonDocument"/> and copying each
/// invoice's bytes, which every adapter does because <c>Invoice.Raw</c> is those bytes (<see cref="RawJson"/>; no
/// mapping, no HTTP).</item>
/// <item><c>parse/&lt;source&gt;</c>: the parse alone; <c>clone/&lt;source&gt;</c>: the parse and a cloned element
/// per invoice, which is what <c>Invoice.Raw</c> cost while it was a <see cref="JsonElement"/> (until 2 Dec 2026).</item>
/// <item><c>reader/ibana</c>: one <see cref="Utf8JsonReader"/> pass over ibana's list page, every token read, no
/// document built; <c>reader+raw/ibana</c>: the same pass copying each invoice's bytes (as <c>Invoice.Raw</c> holds
/// them): what an adapter that read the page once against its mapping, without a <see cref="JsonDocument"/>, could not
/// go below.</item>
/// <item><c>mapping/ibana</c>: ibana's list page parsed from memory and normalized by the ibana mapping, with no
/// request: <c>generic/ibana</c> less the upstream client's share (one page, so small).</item>
/// <item><c>mapping/dollr</c>: Dollr's detail bodies parsed from memory and normalized by the dollr mapping, with no
/// request: the adapter's own share of the <c>generic/dollr</c> figure, whose read makes one detail request per invoice
/// through the gateway's upstream pipeline because Dollr's list holds summaries only.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class NormalizationFloorBenchmarks
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
    private readonly Dictionary<string, byte[][]> _bodies = new(StringComparer.Ordinal);
    private GenericNormalization _dollr = null!;
    private GenericNormalization _ibana = null!;

    [GlobalSetup]
    public void Setup()
    {
        var responses = NormalizationBenchmarks.Responses();
        foreach (var name in SandboxSources.Names)
        {
            // The bodies that hold invoices: list pages, and for Dollr the details (its list holds summaries).
            _bodies[name] = responses
                .Where(r => r.Key.StartsWith("GET ", StringComparison.Ordinal) && r.Key.Contains($"/{name}/", StringComparison.Ordinal)
                            && (name != "dollr" || r.Key.Contains("/retrieve/", StringComparison.Ordinal)))
                .Select(r => r.Value.Body)
                .ToArray();
        }

        _dollr = GenericNormalization.ForBuiltInMapping("dollr", "dollr");
        _ibana = GenericNormalization.ForBuiltInMapping("ibana", "ibana");
        var invoices = Floor("dollr");
        if (invoices != 100 || Reader("ibana", copy: true) != 100 || Mapping() != 100 || MappingIbana() != 100 || Floor("ibana") != 100 || Floor("goscore") != 100
            || Floor("sendregning") != 101 || Floor("sendcloud") != 101)
        {
            throw new InvalidOperationException($"Unexpected invoice counts (dollr {invoices}).");
        }
    }

    [Benchmark(OperationsPerInvoke = 100, Description = "floor/goscore")]
    public int GoScore() => Floor("goscore");

    [Benchmark(OperationsPerInvoke = 101, Description = "floor/sendcloud")]
    public int Sendcloud() => Floor("sendcloud");

    [Benchmark(OperationsPerInvoke = 101, Description = "floor/sendregning")]
    public int SendRegning() => Floor("sendregning");

    [Benchmark(OperationsPerInvoke = 100, Description = "floor/ibana")]
    public int Ibana() => Floor("ibana");

    [Benchmark(OperationsPerInvoke = 100, Description = "floor/dollr")]
    public int Dollr() => Floor("dollr");

    [Benchmark(OperationsPerInvoke = 101, Description = "parse/sendregning")]
    public int ParseSendRegning() => Floor("sendregning", Keep.Nothing);

    [Benchmark(OperationsPerInvoke = 101, Description = "clone/sendregning")]
    public int CloneSendRegning() => Floor("sendregning", Keep.Element);

    [Benchmark(OperationsPerInvoke = 100, Description = "parse/ibana")]
    public int ParseIbana() => Floor("ibana", Keep.Nothing);

    [Benchmark(OperationsPerInvoke = 100, Description = "clone/ibana")]
    public int CloneIbana() => Floor("ibana", Keep.Element);

    [Benchmark(OperationsPerInvoke = 100, Description = "reader/ibana")]
    public int ReaderIbana() => Reader("ibana", copy: false);

    [Benchmark(OperationsPerInvoke = 100, Description = "reader+raw/ibana")]
    public int ReaderRawIbana() => Reader("ibana", copy: true);

    [Benchmark(OperationsPerInvoke = 100, Description = "mapping/dollr")]
    public int Mapping()
    {
        var count = 0;
        foreach (var body in _bodies["dollr"])
        {
            using var document = JsonDocument.Parse(body, Options);
            count += _dollr.Normalize(document.RootElement) is null ? 0 : 1;
        }

        return count;
    }

    [Benchmark(OperationsPerInvoke = 100, Description = "mapping/ibana")]
    public int MappingIbana()
    {
        var count = 0;
        foreach (var body in _bodies["ibana"])
        {
            using var document = JsonDocument.Parse(body, Options);
            foreach (var entry in Invoices("ibana", document.RootElement))
            {
                count += _ibana.Normalize(entry) is null ? 0 : 1;
            }
        }

        return count;
    }

    /// <summary>Reads every token of the bodies; the objects at depth 2 (ibana's <c>data[]</c> entries) are counted, and copied with <paramref name="copy"/>.</summary>
    private int Reader(string source, bool copy)
    {
        var count = 0;
        var readerOptions = new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        foreach (var body in _bodies[source])
        {
            var reader = new Utf8JsonReader(body, readerOptions);
            var start = 0L;
            while (reader.Read())
            {
                if (reader.CurrentDepth != 2)
                {
                    continue;
                }

                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    start = reader.TokenStartIndex;
                }
                else if (reader.TokenType == JsonTokenType.EndObject)
                {
                    count += !copy || body.AsSpan((int)start, (int)(reader.BytesConsumed - start)).ToArray().Length > 0 ? 1 : 0;
                }
            }
        }

        return count;
    }

    private int Floor(string source, Keep keep = Keep.Bytes)
    {
        var count = 0;
        foreach (var body in _bodies[source])
        {
            using var document = JsonDocument.Parse(body, Options);
            foreach (var entry in Invoices(source, document.RootElement))
            {
                count += keep switch
                {
                    Keep.Bytes => RawJson.Of(entry).Utf8.Length > 0,
                    Keep.Element => entry.Clone().ValueKind == JsonValueKind.Object,
                    _ => entry.ValueKind == JsonValueKind.Object,
                }
                    ? 1
                    : 0;
            }
        }

        return count;
    }

    private enum Keep
    {
        Nothing,
        Bytes,
        Element,
    }

    /// <summary>Where each source's bodies hold their invoices: a property of the root, the root array, or (a detail) the root itself.</summary>
    private static IEnumerable<JsonElement> Invoices(string source, JsonElement root) => source switch
    {
        "goscore" or "sendcloud" => root.TryGetProperty("invoices", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [],
        "ibana" => root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray() : [],
        "sendregning" => root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [],
        _ => [root],
    };
}

/// <summary>A built-in mapping of the generic adapter, compiled as a source uses it, normalizing entries without HTTP.</summary>
internal sealed class GenericNormalization
{
    private readonly CompiledMapping _mapping;
    private readonly NormalizeSettings _settings;

    private GenericNormalization(CompiledMapping mapping, NormalizeSettings settings)
    {
        _mapping = mapping;
        _settings = settings;
    }

    public static GenericNormalization ForBuiltInMapping(string mapping, string sourceName)
    {
        var (compiled, problems) = MappingFile.Load(mapping, AppContext.BaseDirectory);
        if (compiled is null)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        var source = new SourceDescriptor { Name = sourceName, BaseUrl = new Uri("http://127.0.0.1/") };
        return new GenericNormalization(compiled, new NormalizeSettings(
            source, compiled.DefaultCurrency, compiled.DefaultDirection ?? GenericAdapter.FallbackDirection));
    }

    public Invoice Normalize(JsonElement entry) => _mapping.Normalizer.Normalize(entry, _settings);
}
