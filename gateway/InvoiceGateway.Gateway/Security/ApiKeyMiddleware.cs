using InvoiceGateway.Gateway.Apis;

namespace InvoiceGateway.Gateway.Security;

/// <summary>
/// Resolves the caller of every <c>/v1</c> request from its <c>X-Api-Key</c> header. With no keys
/// configured every caller is anonymous (read-only, all sources); otherwise a missing, unknown or
/// repeated key is a 401. <c>/metrics</c> (when on) needs a key too; health, OpenAPI and docs stay open.
/// </summary>
internal sealed partial class ApiKeyMiddleware
{
    public const string HeaderName = "X-Api-Key";

    private const int MaxKeyLength = 512;

    private readonly RequestDelegate _next;
    private readonly ApiKeyMatcher _keys;

    public ApiKeyMiddleware(RequestDelegate next, ApiKeyMatcher keys, ILogger<ApiKeyMiddleware> logger)
    {
        _next = next;
        _keys = keys;

        // Built once when the host starts, through the host's logging (so it reaches every configured provider).
        if (!keys.Enabled)
        {
            LogNoKeys(logger);
        }
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!_keys.Enabled || !IsGuarded(context.Request.Path))
        {
            context.Features.Set(CallerAccess.Anonymous);
            await _next(context).ConfigureAwait(false);
            return;
        }

        var presented = context.Request.Headers[HeaderName];
        var access = presented.Count == 1 && !string.IsNullOrEmpty(presented[0]) && presented[0]!.Length <= MaxKeyLength
            ? _keys.Match(presented[0]!)
            : null;
        if (access is null)
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            await Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized.",
                    presented.Count switch
                    {
                        0 => "This gateway needs an API key in the X-Api-Key header.",
                        1 => "The API key in the X-Api-Key header is not valid.",
                        _ => "Send exactly one X-Api-Key header.",
                    })
                .ExecuteAsync(context)
                .ConfigureAwait(false);
            return;
        }

        context.Features.Set(access);
        await _next(context).ConfigureAwait(false);
    }

    private static bool IsGuarded(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.Ordinal)
        || path.StartsWithSegments(Diagnostics.GatewayTelemetry.MetricsPath, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No API keys are configured (Gateway:ApiKeys): every caller may read every source, and the admin endpoints are off.")]
    private static partial void LogNoKeys(ILogger logger);
}
