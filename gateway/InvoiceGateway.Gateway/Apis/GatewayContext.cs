using System.Runtime.CompilerServices;
using System.Security.Claims;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Tenancy;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>The services every invoice and source endpoint needs, bundled for <c>[AsParameters]</c>.</summary>
internal sealed class GatewayContext(TenantDirectory tenants, InvoiceAggregator aggregator, GatewaySettings settings, TimeProvider time, ListPageCache pages)
{
    /// <summary>The list pages served before, for the same snapshots and query.</summary>
    public ListPageCache Pages { get; } = pages;

    public InvoiceAggregator Aggregator { get; } = aggregator;

    public GatewaySettings Settings { get; } = settings;

    /// <summary>Today in <c>Gateway:TimeZone</c>: the day overdue is computed for when an invoice is served.</summary>
    public DateOnly Today() => ServedOverdue.Today(time, Settings.TimeZone);

    /// <summary>
    /// The sources of the request's tenant that the caller may read: a configured source when the key's
    /// scope names it, a connection of the tenant always (the tenant is its scope).
    /// </summary>
    public ValueTask<IReadOnlyList<SourceRuntime>> ReadableAsync(HttpContext http)
    {
        var pending = tenants.ForAsync(TenantOf(http), http.RequestAborted);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult(ReadableOf(http.User, pending.Result))
            : AwaitReadableAsync(http.User, pending);
    }

    private static async ValueTask<IReadOnlyList<SourceRuntime>> AwaitReadableAsync(ClaimsPrincipal caller, ValueTask<TenantSources> pending) =>
        ReadableOf(caller, await pending.ConfigureAwait(false));

    /// <summary>
    /// The sources of <paramref name="sources"/> the caller may read, kept with the caller's principal for the tenant's
    /// sources it was taken from: principals are built once per key and read-only (<see cref="Principals"/>), and a
    /// tenant's sources are a new object whenever they change, so the answer is the same until either is replaced.
    /// Per request it was a claims scan per source and a new array (bench/results/ratio-2026-12-02.md).
    /// </summary>
    private static IReadOnlyList<SourceRuntime> ReadableOf(ClaimsPrincipal caller, TenantSources sources)
    {
        if (Readable.TryGetValue(caller, out var kept) && ReferenceEquals(kept.Sources, sources))
        {
            return kept.Readable;
        }

        var readable = sources.All.Where(s => CanRead(caller, s)).ToArray();
        Readable.AddOrUpdate(caller, new ReadableSources(sources, readable));
        return readable;
    }

    private static readonly ConditionalWeakTable<ClaimsPrincipal, ReadableSources> Readable = [];

    private sealed record ReadableSources(TenantSources Sources, SourceRuntime[] Readable);

    /// <summary>
    /// The source named <paramref name="name"/> if the caller may read it; <c>null</c> both when it does not
    /// exist and when it is not the caller's (another tenant's, say), so that the answers cannot be told apart.
    /// A name this replica does not know is looked up again: another replica may have just created it.
    /// </summary>
    public async ValueTask<SourceRuntime?> FindReadableAsync(HttpContext http, string name)
    {
        var tenant = TenantOf(http);
        var source = (await tenants.ForAsync(tenant, http.RequestAborted).ConfigureAwait(false)).Find(name)
                     ?? (await tenants.RefreshAsync(tenant, http.RequestAborted).ConfigureAwait(false)).Find(name);
        return source is not null && CanRead(http.User, source) ? source : null;
    }

    private static string TenantOf(HttpContext http) => http.RequestServices.GetRequiredService<TenantContext>().Id;

    private static bool CanRead(ClaimsPrincipal caller, SourceRuntime source) => source.ConnectionId is not null || caller.CanRead(source.Name);

    /// <summary>
    /// <c>Cache-Control: no-cache</c> bypasses the cache for admin keys only: from any other key it would
    /// let every reader multiply the load on the upstreams.
    /// </summary>
    public static bool NoCache(HttpContext http) =>
        http.User.IsAdmin()
        && http.Request.Headers.CacheControl.Any(v => v is not null && v.Contains("no-cache", StringComparison.OrdinalIgnoreCase));
}
