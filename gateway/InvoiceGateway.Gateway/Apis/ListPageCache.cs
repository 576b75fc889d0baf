using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Sources;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>
/// The serialized pages of list requests (<see cref="InvoiceListResult.Page"/>), so that a page asked for again is copied
/// to the response as it is, not merged and written again (bench/results/hotpath-issue16.md). A page is the same bytes
/// as long as the same snapshots are read with the same query on the same day (overdue is computed for the day served), so
/// that is the key: each snapshot by a number of its own (never by reference: a page must not keep a replaced snapshot
/// alive), the query string as sent, and the day. A refreshed source is a new snapshot and so a new key; what is not
/// asked again is dropped with everything else when the pages held pass <see cref="MaxBytes"/>. Pages with raw payloads
/// are not kept (they are large and rarely repeated). When every source answered from memory with nothing to add
/// (<see cref="IsPlain"/>), the whole body is kept as well, and served like a static file.
/// </summary>
internal sealed class ListPageCache
{
    /// <summary>At most this many bytes of pages (and keys) are held; beyond, the cache starts again empty.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    private static readonly ConditionalWeakTable<SourceSnapshot, StrongBox<long>> Numbers = [];
    private static long s_lastNumber;

    private readonly ConcurrentDictionary<string, byte[]> _pages = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<IReadOnlyList<SourceRuntime>, StrongBox<LastAnswer?>> _last = [];
    private long _bytes;

    /// <summary>
    /// The key of the page of a query (sent as <paramref name="queryString"/>) over the sources of <paramref name="outcomes"/>:
    /// each by name, state and snapshot, so that it also tells apart the sources' part of two plain answers (see
    /// <see cref="IsPlain"/>): the sources skipped differ with the caller's key. With <paramref name="whole"/>, the key of
    /// the whole body of a plain answer instead (built once, not the page's key and then a second string from it).
    /// </summary>
    public static string Key(IReadOnlyList<SourceOutcome> outcomes, string? queryString, DateOnly today, bool whole = false)
    {
        var key = new StringBuilder(64 + (outcomes.Count * 16) + (queryString?.Length ?? 0));
        if (whole)
        {
            key.Append("body|");
        }

        key.Append(today.DayNumber).Append('|');
        foreach (var outcome in outcomes)
        {
            key.Append(outcome.Name).Append(':').Append((int)outcome.State).Append(':');
            if (outcome.Snapshot is { } snapshot)
            {
                key.Append(NumberOf(snapshot));
            }

            key.Append(',');
        }

        return key.Append('|').Append(queryString).ToString();
    }

    /// <summary>
    /// Whether the outcome's part of the body is a function of its name, state and snapshot alone: ok with no error and
    /// read in under a millisecond (a copy from memory), or skipped. Such answers are kept whole.
    /// </summary>
    public static bool IsPlain(SourceOutcome outcome) =>
        outcome is { State: SourceState.Ok, Error: null, DurationMs: 0 } or { State: SourceState.Skipped };

    /// <summary>
    /// The whole body last answered to <paramref name="readable"/> (one caller's readable sources, see
    /// <see cref="GatewayContext.ReadableAsync"/>: a new list whenever the caller's tenant's sources change) for
    /// <paramref name="queryString"/> on <paramref name="today"/>, with what it was read from; <c>null</c> when it was
    /// another query, or its body is no longer held by this cache. The caller checks that the lists read are still the
    /// copies a read would answer (<see cref="InvoiceAggregator.StillAnswers"/>) before serving it: then it is the body
    /// the request would build, found without reading the lists, parsing the query or building the key.
    /// </summary>
    public bool TryGetLast(IReadOnlyList<SourceRuntime> readable, string? queryString, DateOnly today, [NotNullWhen(true)] out LastAnswer? last, [NotNullWhen(true)] out byte[]? body)
    {
        body = null;
        if (_last.TryGetValue(readable, out var box) && box.Value is { } kept
            && kept.Day == today.DayNumber && string.Equals(kept.QueryString, queryString, StringComparison.Ordinal)
            && kept.Body.TryGetTarget(out body))
        {
            last = kept;
            return true;
        }

        last = null;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="body"/> as the last answer to <paramref name="readable"/> for <paramref name="queryString"/>
    /// (one per caller's sources: an app asking for one list again and again). The body is held weakly: what holds it is
    /// this cache's pages (<see cref="MaxBytes"/>), so the last answers add no bytes of their own, and no snapshot.
    /// </summary>
    public void KeepLast(IReadOnlyList<SourceRuntime> readable, string? queryString, DateOnly today, ListsRead read, byte[] body) =>
        _last.GetOrCreateValue(readable).Value = new LastAnswer(queryString, today.DayNumber, read, new WeakReference<byte[]>(body));

    public bool TryGet(string key, out byte[] page) => _pages.TryGetValue(key, out page!);

    public void Add(string key, byte[] page)
    {
        if (_pages.TryAdd(key, page) && Interlocked.Add(ref _bytes, page.Length + (key.Length * 2L)) > MaxBytes)
        {
            // Simple and bounded: an attacker sending ever new queries only makes the cache start over more often.
            _pages.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
    }

    private static long NumberOf(SourceSnapshot snapshot) =>
        Numbers.GetValue(snapshot, static _ => new StrongBox<long>(Interlocked.Increment(ref s_lastNumber))).Value;
}

/// <summary>A whole list body answered before (<see cref="ListPageCache.TryGetLast"/>), with what it was read from.</summary>
internal sealed record LastAnswer(string? QueryString, int Day, ListsRead Read, WeakReference<byte[]> Body);
