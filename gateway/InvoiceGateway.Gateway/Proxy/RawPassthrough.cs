using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Sources;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace InvoiceGateway.Gateway.Proxy;

/// <summary>
/// The raw passthrough's rules: admin keys only, the key must be allowed to read the source, the
/// path must stay inside the source's API (no dot segments, no encoded separators, no second
/// round of percent-encoding, no absolute URL), and the source's credentials are injected, the
/// caller's own never forwarded.
/// </summary>
internal static class RawPassthrough
{
    public static IReverseProxyBuilder AddSourcePassthrough(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(context =>
        {
            if (context.Route.Metadata?.TryGetValue(SourceProxyConfigProvider.SourceMetadataKey, out var name) != true)
            {
                return;
            }

            context.AddRequestTransform(async transform =>
            {
                var source = transform.HttpContext.RequestServices.GetRequiredService<SourceRegistry>().Find(name!);
                if (source is not null)
                {
                    await source.Client.Credentials.ApplyAsync(transform.ProxyRequest, transform.HttpContext.RequestAborted).ConfigureAwait(false);
                }
            });
            context.AddResponseTransform(transform =>
            {
                // A rejected token is renewed on the next call, as for the adapters' own requests.
                if (transform.ProxyResponse?.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    transform.HttpContext.RequestServices.GetRequiredService<SourceRegistry>().Find(name!)?.Client.Credentials.Invalidate();
                }

                return ValueTask.CompletedTask;
            });
        });

    /// <summary>Runs first in the proxy pipeline; ends the request with a problem when it may not pass.</summary>
    public static async Task GuardAsync(HttpContext context, Func<Task> next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        if (route.Metadata?.TryGetValue(SourceProxyConfigProvider.SourceMetadataKey, out var source) != true)
        {
            await next().ConfigureAwait(false); // a user-defined route from the ReverseProxy section
            return;
        }

        var caller = GatewayContext.Caller(context);
        IResult? refusal = null;
        if (!caller.IsAdmin)
        {
            refusal = Problems.Status(StatusCodes.Status403Forbidden, "Forbidden.",
                "The raw passthrough needs an admin API key" + (caller.KeyName is null ? "; no API keys are configured." : "."));
        }
        else if (!caller.CanRead(source!))
        {
            refusal = Problems.NotFound($"There is no source '{source}' you can read.");
        }
        else if (!IsSafePath(context.Request.Path.Value ?? string.Empty, context.Request.Query))
        {
            refusal = Problems.BadRequest(new Dictionary<string, string[]>
            {
                ["path"] = ["The path must stay inside the source's API: no '..' segments, encoded '/' or '\\', '%' escapes of escapes, or absolute URLs."],
            });
        }

        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next().ConfigureAwait(false);
    }

    internal static bool IsSafePath(string path, IQueryCollection query)
    {
        // Kestrel has already decoded the path once and removed dot segments; anything that would
        // decode to a separator or a dot segment again upstream is refused here.
        var marker = path.IndexOf("/raw/", StringComparison.Ordinal);
        var rest = marker < 0 ? path : path[(marker + 5)..];
        if (rest.Contains('%') || rest.Contains('\\') || rest.Contains("//", StringComparison.Ordinal) || rest.Contains(':'))
        {
            return false;
        }

        foreach (var segment in rest.Split('/'))
        {
            if (segment is "." or "..")
            {
                return false;
            }
        }

        return query.Count <= 32 && !query.Any(q => q.Key.Contains("://", StringComparison.Ordinal));
    }
}
