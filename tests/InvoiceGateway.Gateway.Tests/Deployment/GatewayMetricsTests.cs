using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Diagnostics;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Security;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Deployment;

/// <summary>
/// What operators scrape: the gateway's own meter (requests, source outcomes, cache outcomes), read with a
/// <see cref="MeterListener"/> scoped to one host, beside the Upstream and Cache meters.
/// The Upstream meter is process-wide and other tests feed it with the same source names: the class runs alone.
/// </summary>
[Collection(nameof(ProcessWideMeters))]
public sealed class GatewayMetricsTests
{
    [Fact]
    public async Task Metrics_WhenListsDetailsAndFailuresAreServed_CountRequestsSourceOutcomesAndCacheOutcomes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: ct);
        // Without the background sync: its reads at start would turn the first list's five misses into hits.
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox, SandboxConfig.WithoutSync));
        var meters = gateway.Services.GetRequiredService<IMeterFactory>();
        var cache = gateway.Services.GetRequiredService<InvoiceCache>();
        var measurements = new ConcurrentQueue<Measured>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this host's: other tests run gateways in parallel in this process.
                var ours = instrument.Meter.Name switch
                {
                    GatewayMetrics.MeterName => ReferenceEquals(instrument.Meter.Scope, meters),
                    InvoiceCache.MeterName => ReferenceEquals(instrument.Meter.Scope, cache),
                    "InvoiceGateway.Upstream" => true,
                    _ => false,
                };
                if (ours)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue(Measured.Of(instrument, value, tags)));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Enqueue(Measured.Of(instrument, 1, tags)));
        listener.Start();

        await SendAsync(gateway, HttpMethod.Get, "v1/invoices?limit=5", TestKeys.Reader, HttpStatusCode.OK);           // five misses
        await SendAsync(gateway, HttpMethod.Get, "v1/invoices?limit=5", TestKeys.Reader, HttpStatusCode.OK);           // five hits
        await SendAsync(gateway, HttpMethod.Get, "v1/invoices?source=ibana", TestKeys.Reader, HttpStatusCode.OK);      // one hit, four skipped
        await SendAsync(gateway, HttpMethod.Get, "v1/invoices/sendregning:123", TestKeys.Reader, HttpStatusCode.OK);   // detail miss
        await SendAsync(gateway, HttpMethod.Get, "v1/invoices/sendregning:123", TestKeys.Reader, HttpStatusCode.OK);   // detail hit
        await SendAsync(gateway, HttpMethod.Get, "v1/invoices?limit=0", TestKeys.Reader, HttpStatusCode.BadRequest);
        await SendAsync(gateway, HttpMethod.Get, "v1/sources", null, HttpStatusCode.Unauthorized);
        await SendAsync(gateway, HttpMethod.Get, "v1/nothing-here", TestKeys.Reader, HttpStatusCode.NotFound);
        await SendAsync(gateway, HttpMethod.Get, "v1/sources/ibana/raw/v1/invoice?page=1&limit=2", TestKeys.Ops, HttpStatusCode.OK);
        sandbox.Faults.Set("dollr", new SandboxFault { Status = 500 });
        await SendAsync(gateway, HttpMethod.Post, "v1/sources/dollr/refresh", TestKeys.Ops, HttpStatusCode.OK);        // dollr failed
        listener.RecordObservableInstruments();

        // A request is counted once its pipeline returns, which may be just after the client has the answer.
        for (var wait = 0; wait < 100 && measurements.Where(m => m.Instrument == "invoicegateway.gateway.requests").Sum(m => m.Value) < 10; wait++)
        {
            await Task.Delay(50, ct);
        }

        var requests = measurements.Where(m => m.Instrument == "invoicegateway.gateway.requests").ToArray();
        Assert.Equal(3, Sum(requests, ("endpoint", "ListInvoices"), ("status_class", "2xx")));
        Assert.Equal(1, Sum(requests, ("endpoint", "ListInvoices"), ("status_class", "4xx")));
        Assert.Equal(2, Sum(requests, ("endpoint", "GetInvoice"), ("status_class", "2xx")));
        Assert.Equal(1, Sum(requests, ("endpoint", "ListSources"), ("status_class", "4xx")));
        Assert.Equal(1, Sum(requests, ("endpoint", "unmatched"), ("status_class", "4xx")));
        Assert.Equal(1, Sum(requests, ("endpoint", "RawPassthrough"), ("status_class", "2xx")));
        Assert.Equal(1, Sum(requests, ("endpoint", "RefreshSource"), ("status_class", "2xx")));
        Assert.Equal(10, requests.Sum(m => m.Value));

        var outcomes = measurements.Where(m => m.Instrument == "invoicegateway.gateway.source.outcomes").ToArray();
        Assert.Equal(3, Sum(outcomes, ("source", "ibana"), ("state", "ok")));
        Assert.Equal(2, Sum(outcomes, ("source", "goscore"), ("state", "ok")));
        Assert.Equal(1, Sum(outcomes, ("source", "goscore"), ("state", "skipped")));
        Assert.Equal(1, Sum(outcomes, ("source", "dollr"), ("state", "failed")));

        var cacheOutcomes = measurements.Where(m => m.Instrument == "invoicegateway.gateway.cache.outcomes").ToArray();
        Assert.Equal(5, Sum(cacheOutcomes, ("endpoint", "list"), ("cache", "miss")));
        Assert.Equal(6, Sum(cacheOutcomes, ("endpoint", "list"), ("cache", "hit")));
        Assert.Equal(1, Sum(cacheOutcomes, ("endpoint", "detail"), ("source", "sendregning"), ("cache", "miss")));
        Assert.Equal(1, Sum(cacheOutcomes, ("endpoint", "detail"), ("source", "sendregning"), ("cache", "hit")));

        // The meters that already existed report beside it.
        Assert.Contains(measurements, m => m.Instrument == "invoicegateway.cache.hits");
        Assert.Contains(measurements, m => m.Instrument == "invoicegateway.cache.misses");
        Assert.Contains(measurements, m => m.Instrument == "invoicegateway.upstream.request.duration" && m.Tags.GetValueOrDefault("source") == "sendregning");
        Assert.Contains(measurements, m => m.Instrument == "invoicegateway.upstream.errors" && m.Tags.GetValueOrDefault("source") == "dollr");
    }

    private static async Task SendAsync(GatewayServer gateway, HttpMethod method, string url, string? key, HttpStatusCode expected)
    {
        using var response = await gateway.Client.SendWithKeyAsync(method, url, key);
        Assert.Equal(expected, response.StatusCode);
    }

    private static long Sum(IEnumerable<Measured> measurements, params (string Key, string Value)[] tags) =>
        measurements.Where(m => tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);

    private sealed record Measured(string Instrument, long Value, IReadOnlyDictionary<string, string?> Tags)
    {
        public static Measured Of(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, tagValue) in tags)
            {
                copy[key] = tagValue?.ToString();
            }

            return new Measured(instrument.Name, value, copy);
        }
    }
}

/// <summary>Tests that read a process-wide meter run with no other test, so that no other test's measurements count.</summary>
[CollectionDefinition(nameof(ProcessWideMeters), DisableParallelization = true)]
public sealed class ProcessWideMeters;
