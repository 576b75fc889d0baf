using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using InvoiceGateway.Contracts;
using InvoiceGateway.Upstream.Tests.Infrastructure;
using static InvoiceGateway.Upstream.Tests.Infrastructure.Upstreams;

namespace InvoiceGateway.Upstream.Tests.Diagnostics;

public sealed class MetricsTests : IAsyncLifetime, IDisposable
{
    private readonly string _source = "metrics-" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly MeterListener _listener = new();
    private TestUpstream _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestUpstream.StartAsync();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == UpstreamClientFactory.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Send_RecordsDurationPerOutcomeAndErrorsPerCode()
    {
        _server.OnStatus("/api/ok", 200);
        _server.OnStatus("/api/broken", 500);
        using var client = Client(_server, resilience: Fast with { MaxRetries = 0 }, name: _source);

        (await client.Http.GetAsync("ok", Ct)).Dispose();
        (await client.Http.GetAsync("broken", Ct)).Dispose();

        var durations = Mine("invoicegateway.upstream.request.duration");
        Assert.Equal(["success", UpstreamErrorCodes.Status], durations.Select(m => (string)m.Tags["outcome"]!));
        Assert.All(durations, m => Assert.True(m.Value > 0));
        var error = Assert.Single(Mine("invoicegateway.upstream.errors"));
        Assert.Equal(UpstreamErrorCodes.Status, error.Tags["code"]);
        Assert.Equal(1, error.Value);
    }

    [Fact]
    public async Task CircuitGauge_WhenCircuitOpens_ReportsOpenForTheSource()
    {
        _server.OnStatus("/api/broken", 500);
        using var client = Client(
            _server,
            resilience: Fast with { MaxRetries = 0, CircuitMinimumThroughput = 2, CircuitBreakDuration = TimeSpan.FromSeconds(30) },
            name: _source);
        _listener.RecordObservableInstruments();
        var before = Mine("invoicegateway.upstream.circuit.state").Last().Value;

        (await client.Http.GetAsync("broken", Ct)).Dispose();
        (await client.Http.GetAsync("broken", Ct)).Dispose();
        await Assert.ThrowsAsync<UpstreamException>(() => client.Http.GetAsync("broken", Ct));
        _listener.RecordObservableInstruments();

        Assert.Equal((int)CircuitState.Closed, before);
        Assert.Equal((int)CircuitState.Open, Mine("invoicegateway.upstream.circuit.state").Last().Value);
        Assert.Contains(Mine("invoicegateway.upstream.errors"), m => (string)m.Tags["code"]! == UpstreamErrorCodes.CircuitOpen);
    }

    [Fact]
    public void CircuitGauge_WhenClientIsDisposed_StopsReportingTheSource()
    {
        var client = Client(_server, name: _source);
        _listener.RecordObservableInstruments();
        var whileAlive = Mine("invoicegateway.upstream.circuit.state").Count;

        client.Dispose();
        _listener.RecordObservableInstruments();

        Assert.Equal(1, whileAlive);
        Assert.Single(Mine("invoicegateway.upstream.circuit.state"));
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Mine(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("source"), _source))];

    private void Keep<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }
}
