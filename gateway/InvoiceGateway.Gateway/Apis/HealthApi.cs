using InvoiceGateway.Caching;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>Liveness and readiness. Readiness checks Redis when it is configured, never the sources (a source outage is served around, not a reason to stop traffic).</summary>
internal static class HealthApi
{
    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthDocument("live", null)))
            .WithName("Live").WithSummary("The process is up.");
        group.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("The gateway can serve: configuration loaded, and Redis answering when configured.");
        return group;
    }

    internal static async Task<Results<Ok<HealthDocument>, JsonHttpResult<HealthDocument>>> Ready(IServiceProvider services, CancellationToken cancellationToken)
    {
        var cache = services.GetRequiredService<InvoiceCache>();
        if (!cache.HasRedis)
        {
            return TypedResults.Ok(new HealthDocument("ready", "redis not configured (memory cache only)"));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        return await cache.PingAsync(timeout.Token).ConfigureAwait(false)
            ? TypedResults.Ok(new HealthDocument("ready", "redis answering"))
            : TypedResults.Json(new HealthDocument("not ready", "redis not answering"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

internal sealed record HealthDocument(string Status, string? Detail);
