using System.Globalization;
using System.Threading.RateLimiting;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Configuration;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceGateway.Gateway.Security;

/// <summary>A fixed window of requests per API key (per client address when anonymous) on <c>/v1</c>; 429 with Retry-After beyond it.</summary>
internal static class RateLimiting
{
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, RateLimitSettings settings) =>
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var caller = GatewayContext.Caller(context);
                var partition = caller.KeyName is { } key ? "key:" + key : "ip:" + context.Connection.RemoteIpAddress;
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
