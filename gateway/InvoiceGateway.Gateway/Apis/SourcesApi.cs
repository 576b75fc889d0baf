using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Diagnostics;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Upstream;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InvoiceGateway.Gateway.Apis;

/// <summary><c>/v1/sources</c>: what sources there are, how they are doing, and the admin refresh.</summary>
internal static class SourcesApi
{
    public static RouteGroupBuilder MapSourcesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sources").WithTags("Sources");

        group.MapGet("/", ListSources)
            .WithName("ListSources")
            .WithSummary("Each source the caller may read: adapter, direction, health, circuit state, last success and last error.");

        group.MapPost("/{name}/refresh", RefreshSource)
            .WithName("RefreshSource")
            .WithSummary("Admin or app: drop the source's cache (in every replica) and read its list again.")
            .RequireAuthorization(GatewayPolicies.Operate)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    internal static async Task<Ok<SourceDocument[]>> ListSources(HttpContext http, GatewayContext gateway) =>
        TypedResults.Ok((await gateway.ReadableAsync(http).ConfigureAwait(false)).Select(Describe).ToArray());

    internal static async Task<Results<Ok<RefreshDocument>, ProblemHttpResult>> RefreshSource(
        string name, HttpContext http, GatewayContext gateway)
    {
        // One answer for "unknown" and "not yours".
        if (await gateway.FindReadableAsync(http, name).ConfigureAwait(false) is not { } source)
        {
            return Problems.NoSuchSource(name);
        }

        var reach = await gateway.Aggregator.Refresher.DropAsync(source, http.RequestAborted).ConfigureAwait(false);
        var outcome = await gateway.Aggregator.ReadListAsync(source, bypass: true, http.RequestAborted).ConfigureAwait(false);
        GatewayMetrics.Of(http)?.RecordSources([outcome]);
        return TypedResults.Ok(new RefreshDocument(
            outcome.Name,
            outcome.State.ToString().ToLowerInvariant(),
            outcome.Count,
            outcome.DurationMs,
            outcome.Error is { } e ? new SourceErrorDocument(e.Code, e.Message) : null,
            reach == InvalidationReach.All ? "all" : "local"));
    }

    private static SourceDocument Describe(SourceRuntime source)
    {
        var client = source.Client;
        var health = client.Circuit switch
        {
            CircuitState.Open or CircuitState.Isolated => "unhealthy",
            CircuitState.HalfOpen => "degraded",
            _ when client.LastFailed => "degraded",
            _ => "healthy",
        };

        return new SourceDocument(
            source.Name,
            source.Adapter.Name,
            InvoiceQuery.JsonName(source.Direction),
            health,
            InvoiceQuery.JsonName(client.Circuit),
            client.LastSuccess,
            client.LastError,
            new CacheDocument(source.Settings.Cache.Ttl, source.Settings.Cache.StaleTtl));
    }
}

internal sealed record SourceDocument(
    string Name,
    string Adapter,
    string Direction,
    string Health,
    string Circuit,
    DateTimeOffset? LastSuccess,
    string? LastError,
    CacheDocument Cache);

internal sealed record CacheDocument(TimeSpan Ttl, TimeSpan StaleTtl);

/// <summary>What a refresh did; <c>Invalidated</c> says whether every replica was told (<c>all</c>) or only this one (<c>local</c>: Redis did not answer; the others are told when it is back).</summary>
internal sealed record RefreshDocument(string Name, string State, int Count, long DurationMs, SourceErrorDocument? Error, string Invalidated);
