using System.Diagnostics;
using System.Globalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>
/// The spans of reading a source: one per source read (started by the gateway) and one per HTTP call the read
/// makes, tagged with the source, the page (the call's ordinal within its read), the status and the retry
/// number. Nothing is recorded unless a listener (OpenTelemetry's tracer) is subscribed to <see cref="SourceName"/>.
/// </summary>
public static class UpstreamTracing
{
    /// <summary>The name of the <see cref="ActivitySource"/> of source reads and upstream calls.</summary>
    public const string SourceName = "InvoiceGateway.Upstream";

    private const string PagesProperty = "invoicegateway.pages";

    private static readonly ActivitySource Source = new(SourceName);

    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("InvoiceGateway.Upstream.Attempt");

    private static readonly HttpRequestOptionsKey<int> PageKey = new("InvoiceGateway.Upstream.Page");

    /// <summary>Whether anybody listens; lets a caller keep a fast path when nobody does.</summary>
    public static bool IsEnabled => Source.HasListeners();

    /// <summary>Starts the span of one source read (a list or a detail); <c>null</c> when nobody listens.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="operation"><c>list</c> or <c>detail</c>.</param>
    public static Activity? StartSourceRead(string source, string operation)
    {
        var activity = Source.StartActivity("source.read " + source);
        if (activity is not null)
        {
            activity.SetTag("invoicegateway.source", source);
            activity.SetTag("invoicegateway.operation", operation);
            activity.SetCustomProperty(PagesProperty, new PageCounter());
        }

        return activity;
    }

    /// <summary>Starts the span of one attempt of an upstream call: a retry is its own span, with the same page.</summary>
    internal static Activity? StartCall(string source, HttpRequestMessage request)
    {
        var retry = request.Options.TryGetValue(AttemptKey, out var previous) ? previous + 1 : 0;
        request.Options.Set(AttemptKey, retry);
        if (!Source.HasListeners())
        {
            return null;
        }

        var page = request.Options.TryGetValue(PageKey, out var known) ? known : PagesOf(Activity.Current)?.Next();
        var activity = Source.StartActivity("upstream " + request.Method.Method, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("invoicegateway.source", source);
            activity.SetTag("invoicegateway.retry", retry);
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("url.path", UpstreamFailures.PathOf(request));
            if (page is { } number)
            {
                request.Options.Set(PageKey, number);
                activity.SetTag("invoicegateway.page", number);
            }
        }

        return activity;
    }

    internal static void Answered(Activity? activity, HttpResponseMessage response)
    {
        if (activity is null)
        {
            return;
        }

        var status = (int)response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        if (status >= 400 && status != 404)
        {
            activity.SetStatus(ActivityStatusCode.Error, "HTTP " + status.ToString(CultureInfo.InvariantCulture));
        }
    }

    internal static void Failed(Activity? activity, string source, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        // Our own words, never the runtime's message (which can carry a URL with its query).
        var failure = UpstreamFailures.Map(source, exception);
        activity.SetTag("error.type", failure?.Code ?? exception.GetType().Name);
        activity.SetStatus(ActivityStatusCode.Error, failure?.Message);
    }

    private static PageCounter? PagesOf(Activity? activity)
    {
        for (var current = activity; current is not null; current = current.Parent)
        {
            if (current.GetCustomProperty(PagesProperty) is PageCounter pages)
            {
                return pages;
            }
        }

        return null;
    }

    /// <summary>Counts the calls of one source read; reads of several pages may run in parallel.</summary>
    private sealed class PageCounter
    {
        private int _page;

        public int Next() => Interlocked.Increment(ref _page);
    }
}
