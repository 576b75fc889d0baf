using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace InvoiceGateway.Upstream;

/// <summary>
/// The instruments of the <c>InvoiceGateway.Upstream</c> meter: request duration and errors per source,
/// and each live source's circuit state.
/// </summary>
internal static class UpstreamMetrics
{
    public const string MeterName = "InvoiceGateway.Upstream";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<SourceHealth, byte> Sources = new();

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "invoicegateway.upstream.request.duration", "s",
        "Duration of calls to a source, retries included, until the response headers (tags: source, outcome).");

    private static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "invoicegateway.upstream.errors", "{error}", "Failed calls to a source (tags: source, code).");

    private static readonly ObservableGauge<int> Circuit = Meter.CreateObservableGauge(
        "invoicegateway.upstream.circuit.state",
        () => Sources.Keys.Select(s => new Measurement<int>((int)s.Circuit, new KeyValuePair<string, object?>("source", s.Name))),
        "{state}",
        "Circuit state per source: 0 closed, 1 open, 2 half-open, 3 isolated.");

    public static void Register(SourceHealth source)
    {
        Sources.TryAdd(source, 0);
    }

    public static void Unregister(SourceHealth source) => Sources.TryRemove(source, out _);

    public static void RecordDuration(string source, string outcome, TimeSpan elapsed) =>
        Duration.Record(elapsed.TotalSeconds, new("source", source), new("outcome", outcome));

    public static void RecordError(string source, string code) =>
        Errors.Add(1, new("source", source), new("code", code));
}
