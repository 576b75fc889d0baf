using System.Globalization;
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
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, RateLimitSettings settings) =>
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
                {
                    return RateLimitPartition.GetNoLimiter("anonymous-endpoint");
                }

                var partition = context.User.KeyName() is { } key ? "key:" + key : "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = settings.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
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
