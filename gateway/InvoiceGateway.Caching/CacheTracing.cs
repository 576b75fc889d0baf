using System.Diagnostics;

namespace InvoiceGateway.Caching;

/// <summary>
/// The span of one cache operation, tagged with its outcome (<c>hit</c>, <c>miss</c>, <c>stale</c>): for the cache
/// code and its callers alike, so that whichever layer reads the cache reports it the same way. Nothing is recorded
/// unless a listener (OpenTelemetry's tracer) is subscribed to <see cref="SourceName"/>.
/// </summary>
public static class CacheTracing
{
    /// <summary>The name of the <see cref="ActivitySource"/> of cache operations.</summary>
    public const string SourceName = "InvoiceGateway.Caching";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Whether anybody listens; lets a caller keep a fast path when nobody does.</summary>
    public static bool IsEnabled => Source.HasListeners();

    /// <summary>Starts the span of reading <paramref name="key"/> (and fetching it on a miss); <c>null</c> when nobody listens.</summary>
    /// <param name="operation">What is read, e.g. <c>list</c> or <c>detail</c>.</param>
    /// <param name="source">The source whose copy is read.</param>
    /// <param name="key">The cache key (names a source and an invoice id, never a credential).</param>
    public static Activity? StartRead(string operation, string source, string key)
    {
        var activity = Source.StartActivity("cache.read " + operation);
        activity?.SetTag("invoicegateway.source", source);
        activity?.SetTag("invoicegateway.cache.key", key);
        return activity;
    }

    /// <summary>Records where the answer came from.</summary>
    /// <param name="activity">The span from <see cref="StartRead"/>, or <c>null</c>.</param>
    /// <param name="state">Hit, miss or stale.</param>
    public static void Answered(Activity? activity, CacheState state) =>
        activity?.SetTag("invoicegateway.cache", state switch
        {
            CacheState.Hit => "hit",
            CacheState.Stale => "stale",
            _ => "miss",
        });

    /// <summary>Records that nothing could be answered (the fetch failed and no copy was left).</summary>
    /// <param name="activity">The span from <see cref="StartRead"/>, or <c>null</c>.</param>
    /// <param name="code">A short code of what failed.</param>
    public static void Failed(Activity? activity, string code)
    {
        activity?.SetTag("error.type", code);
        activity?.SetStatus(ActivityStatusCode.Error);
    }
}
