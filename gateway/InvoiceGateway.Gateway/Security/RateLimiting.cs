using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Threading.RateLimiting;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// A fixed window of requests per API key (per client address when no keys are configured) on every
/// endpoint that needs a caller; 429 with Retry-After beyond it. Decided by the endpoint, not the path:
/// only endpoints marked <see cref="IAllowAnonymous"/> (health, OpenAPI) are not counted, so a new
/// endpoint is limited without anyone remembering to. Runs after authorization, so a refused key
/// uses up none of a real key's permits (failed keys have their own throttle, <see cref="FailedKeyThrottle"/>).
/// </summary>
internal static class RateLimiting
{
    // A key's principal is built once per key (Principals) and read-only, so its partition is too; "" without a key name.
    private static readonly ConditionalWeakTable<ClaimsPrincipal, string> KeyPartitions = [];

    private static readonly ConditionalWeakTable<ClaimsPrincipal, string>.CreateValueCallback KeyPartition =
        user => user.KeyName() is { } key ? "key:" + key : string.Empty;

    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, RateLimitSettings settings) =>
        services.AddRateLimiter(options =>
        {
            // Built once, not per request: the window's options and the partition of each key's principal.
            Func<string, FixedWindowRateLimiterOptions> window = _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PermitLimit,
                Window = settings.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
                {
                    return RateLimitPartition.GetNoLimiter("anonymous-endpoint");
                }

                var partition = KeyPartitions.GetValue(context.User, KeyPartition);
                return RateLimitPartition.GetFixedWindowLimiter(
                    partition.Length > 0 ? partition : "ip:" + context.Connection.RemoteIpAddress, window);
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
                    : (int)Math.Ceiling(settings.Window.TotalSeconds);
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests.",
                        $"This API key may make {settings.PermitLimit} requests per {settings.Window}; retry after {retryAfter} s.")
                    .ExecuteAsync(context.HttpContext)
                    .ConfigureAwait(false);
            };
        });
}
