using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using InvoiceGateway.Gateway.Tests.Infrastructure;
using InvoiceGateway.Gateway.Tests.Security;
using InvoiceGateway.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace InvoiceGateway.Gateway.Tests.Deployment;

/// <summary>
/// OpenTelemetry: the spans of a list request through the sandbox, caught by OpenTelemetry's in-memory exporter,
/// and the Prometheus endpoint, on when configured and behind the API key like everything else.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task List_WhenTraced_HasASpanPerSourceReadCacheReadAndUpstreamCallWithTheirTags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 25 }, cancellationToken: ct);
        var exported = new Spans();
        await using var gateway = await GatewayServer.StartAsync(
            SandboxConfig.For(sandbox, SandboxConfig.WithoutSync), services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(exported)));

        (await gateway.Client.GetAsync("v1/invoices?limit=5", ct)).EnsureSuccessStatusCode();
        var cold = await TraceOfRequestAsync(exported, gateway, 1);
        (await gateway.Client.GetAsync("v1/invoices?limit=5", ct)).EnsureSuccessStatusCode();
        var warm = await TraceOfRequestAsync(exported, gateway, 2);

        var reads = cold.Where(s => s.OperationName.StartsWith("source.read ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(SandboxConfig.SourceNames.Order(), reads.Select(s => Tag(s, "invoicegateway.source")).Order());
        var cacheReads = cold.Where(s => s.OperationName == "cache.read list").ToArray();
        Assert.Equal(SandboxConfig.SourceNames.Order(), cacheReads.Select(s => Tag(s, "invoicegateway.source")).Order());
        Assert.All(cacheReads, s => Assert.Equal("miss", Tag(s, "invoicegateway.cache")));
        Assert.All(cacheReads, s => Assert.Contains(reads, r => r.SpanId == s.ParentSpanId));

        var calls = cold.Where(s => s.Source.Name == "InvoiceGateway.Upstream" && s.Kind == ActivityKind.Client).ToArray();
        foreach (var source in SandboxConfig.SourceNames)
        {
            // GoScore reads pages ahead in parallel and cancels the one it turns out not to need.
            var ofSource = calls.Where(s => Tag(s, "invoicegateway.source") == source && Tag(s, "error.type") != "cancelled").ToArray();
            Assert.NotEmpty(ofSource);
            Assert.All(ofSource, s =>
            {
                Assert.Equal("200", Tag(s, "http.response.status_code"));
                Assert.Equal("0", Tag(s, "invoicegateway.retry"));
                Assert.True(int.Parse(Tag(s, "invoicegateway.page")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            });
        }

        // 25 invoices in pages of 10: sendregning is read in three pages, numbered in order of the calls.
        Assert.Equal(["1", "2", "3"], calls.Where(s => Tag(s, "invoicegateway.source") == "sendregning").Select(s => Tag(s, "invoicegateway.page")).Order());

        // Every span of the request belongs to its one trace, under the request's span (the sandbox's own server
        // spans are in it too: the trace context travels upstream).
        var root = Assert.Single(cold, s => s.Kind == ActivityKind.Server && IsOf(gateway, s));
        Assert.All(reads, s => Assert.Equal(root.SpanId, s.ParentSpanId));

        Assert.All(warm.Where(s => s.OperationName == "cache.read list"), s => Assert.Equal("hit", Tag(s, "invoicegateway.cache")));
        Assert.Equal(5, warm.Count(s => s.OperationName == "cache.read list"));
        Assert.DoesNotContain(warm, s => s.Source.Name == "InvoiceGateway.Upstream" && s.Kind == ActivityKind.Client);
    }

    [Fact]
    public async Task List_WhenASourceFailsAndIsRetried_TagsEachAttemptAndTheLogLineCarriesTheTraceId()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: ct);
        sandbox.Faults.Set("sendcloud", new SandboxFault { Status = 500 });
        var exported = new Spans();
        var logs = new ScopedLogs();
        await using var gateway = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, SandboxConfig.WithoutSync), services =>
        {
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(exported));
            services.AddSingleton<ILoggerProvider>(logs);
        });

        (await gateway.Client.GetAsync("v1/invoices?limit=5", ct)).EnsureSuccessStatusCode();
        var trace = await TraceOfRequestAsync(exported, gateway, 1);

        // SandboxConfig allows one retry: two attempts of the same page, each a span.
        var attempts = trace
            .Where(s => s.Source.Name == "InvoiceGateway.Upstream" && s.Kind == ActivityKind.Client && Tag(s, "invoicegateway.source") == "sendcloud")
            .OrderBy(s => s.StartTimeUtc)
            .ToArray();
        Assert.Equal(["0", "1"], attempts.Select(s => Tag(s, "invoicegateway.retry")));
        Assert.All(attempts, s => Assert.Equal("500", Tag(s, "http.response.status_code")));
        Assert.All(attempts, s => Assert.Equal("1", Tag(s, "invoicegateway.page")));
        Assert.All(attempts, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        var retried = Assert.Single(logs.Lines, l => l.Message.StartsWith("Source sendcloud: GET", StringComparison.Ordinal));
        Assert.Equal(attempts[0].TraceId.ToHexString(), retried.TraceId);
    }

    [Fact]
    public async Task Metrics_WhenPrometheusIsOn_AnswersWithTheGatewaysMetersBehindTheApiKey()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 5 }, cancellationToken: ct);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox, ("Gateway:Telemetry:Prometheus", "true")));
        using (var list = Request("v1/invoices?limit=5", TestKeys.Reader))
        {
            (await gateway.Client.SendAsync(list, ct)).EnsureSuccessStatusCode();
        }

        using var anonymous = await gateway.Client.SendAsync(Request("metrics", key: null), ct);
        var text = await PollAsync(async () =>
        {
            using var scrape = await gateway.Client.SendAsync(Request("metrics", TestKeys.Reader), ct);
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            var body = await scrape.Content.ReadAsStringAsync(ct);
            return body.Contains("invoicegateway_upstream_request_duration", StringComparison.Ordinal) ? body : null;
        });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("invoicegateway_gateway_requests", text, StringComparison.Ordinal);
        Assert.Contains("invoicegateway_gateway_source_outcomes", text, StringComparison.Ordinal);
        Assert.Contains("invoicegateway_cache_misses", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_WhenConfigured_SwitchesTracingAndMetricsOn_AndNothingIsCollectedOtherwise()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 1 }, cancellationToken: ct);
        await using (var off = await GatewayServer.StartAsync(SandboxConfig.For(sandbox)))
        {
            Assert.Null(off.Services.GetService<TracerProvider>());
            Assert.Null(off.Services.GetService<MeterProvider>());
        }

        await using var on = await GatewayServer.StartAsync(SandboxConfig.For(sandbox, ("Gateway:Telemetry:Otlp", "http://127.0.0.1:4317")));

        Assert.NotNull(on.Services.GetService<TracerProvider>());
        Assert.NotNull(on.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Metrics_WhenPrometheusIsOff_Is404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { InvoicesPerSource = 1 }, cancellationToken: ct);
        await using var gateway = await GatewayServer.StartAsync(TestKeys.ConfigFor(sandbox));

        using var scrape = await gateway.Client.SendAsync(Request("metrics", TestKeys.Reader), ct);

        Assert.Equal(HttpStatusCode.NotFound, scrape.StatusCode);
    }

    private static HttpRequestMessage Request(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    /// <summary>
    /// The spans of the gateway's <paramref name="nth"/> request: other tests' gateways run in this process and
    /// report to the same sources, so the request's server span is found by this gateway's port, then its trace.
    /// The server span ends after the response is sent, hence the polling.
    /// </summary>
    private static Task<Activity[]> TraceOfRequestAsync(Spans exported, GatewayServer gateway, int nth) => PollAsync(() =>
    {
        var spans = exported.Snapshot();
        var requests = spans
            .Where(s => s.Kind == ActivityKind.Server && IsOf(gateway, s))
            .OrderBy(s => s.StartTimeUtc)
            .ToArray();
        return Task.FromResult(requests.Length < nth ? null : spans.Where(s => s.TraceId == requests[nth - 1].TraceId).ToArray());
    });

    private static bool IsOf(GatewayServer gateway, Activity serverSpan) => Equals(serverSpan.GetTagItem("server.port"), gateway.Address.Port);

    private static async Task<T> PollAsync<T>(Func<Task<T?>> attempt)
        where T : class
    {
        for (var i = 0; i < 200; i++)
        {
            if (await attempt() is { } found)
            {
                return found;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("Not there after 10 s.");
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name) switch
    {
        null => null,
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var value => value.ToString(),
    };

    /// <summary>Log lines with the trace id of the scope they were written in.</summary>
    private sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Message, string? TraceId)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopedLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string? traceId = null;
                owner._scopes.ForEachScope(
                    (scope, _) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs
                            && pairs.FirstOrDefault(p => p.Key == "TraceId") is { Value: { } id })
                        {
                            traceId = id.ToString();
                        }
                    },
                    (object?)null);
                owner.Lines.Enqueue((formatter(state, exception), traceId));
            }
        }
    }

    /// <summary>What the in-memory exporter writes (from the exporting thread) and the test reads.</summary>
    private sealed class Spans : Collection<Activity>
    {
        private readonly Lock _lock = new();

        public Activity[] Snapshot()
        {
            lock (_lock)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
