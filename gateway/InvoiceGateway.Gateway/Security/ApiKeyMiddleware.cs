using InvoiceGateway.Gateway.Apis;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// Resolves the caller of every <c>/v1</c> request from its <c>X-Api-Key</c> header. With no keys
/// configured every caller is anonymous (read-only, all sources); otherwise a missing or unknown
/// key is a 401. Health, OpenAPI and docs stay open.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyMatcher keys)
{
    public const string HeaderName = "X-Api-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!keys.Enabled || !context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            context.Features.Set(CallerAccess.Anonymous);
            await next(context).ConfigureAwait(false);
            return;
        }

        var presented = context.Request.Headers[HeaderName];
        var access = presented.Count == 1 && !string.IsNullOrEmpty(presented[0]) && presented[0]!.Length <= 512
            ? keys.Match(presented[0]!)
            : null;
        if (access is null)
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            await Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized.",
                    presented.Count == 0
                        ? "This gateway needs an API key in the X-Api-Key header."
                        : "The API key in the X-Api-Key header is not valid.")
                .ExecuteAsync(context)
                .ConfigureAwait(false);
            return;
        }

        context.Features.Set(access);
        await next(context).ConfigureAwait(false);
    }
}
