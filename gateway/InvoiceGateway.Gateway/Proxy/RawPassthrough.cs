using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Security;
using InvoiceGateway.Gateway.Sources;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace InvoiceGateway.Gateway.Proxy;

/// <summary>
/// The raw passthrough's rules: the key must be allowed to read the source (else 404, as if it did
/// not exist), admin keys only (else 403), the path must stay inside the source's API (no dot
/// segments, no encoded separators, no second round of percent-encoding, no absolute URL), and the
/// source's credentials are injected, the caller's own never forwarded.
/// </summary>
internal static class RawPassthrough
{
    /// <summary>The <c>Via</c> entry on every answer relayed from a source.</summary>
    public const string ViaValue = "1.1 invoicegateway";

    public static IReverseProxyBuilder AddSourcePassthrough(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(context =>
        {
            // On every route, user-defined ones too: the API key header is the caller's credential for this
            // gateway and never reaches an upstream, whatever it holds (a key may hide in a comma list).
            context.AddRequestHeaderRemove(ApiKeyDefaults.HeaderName);

            if (context.Route.Metadata?.ContainsKey(SourceProxyConfigProvider.SourceMetadataKey) != true)
            {
                return;
            }

            context.AddRequestTransform(async transform =>
            {
                // GuardAsync has resolved the source for the caller's tenant; nothing is forwarded without one.
                var source = transform.HttpContext.Features.Get<SourceRuntime>()
                             ?? throw new InvalidOperationException("The raw passthrough forwarded a request without a source.");
                transform.DestinationPrefix = source.ProxyPrefix;

                // The path below the source's API root: the route's catch-all, as the caller sent it (Kestrel decoded it
                // once, PathString escapes it again). Not a PathPattern transform, which binds a route template per
                // request (about 6 % of the passthrough's CPU time; bench/results/startup-yarp-issue16.md).
                transform.Path = transform.HttpContext.Request.RouteValues["path"] is string { Length: > 0 } path
                    ? new PathString("/" + path)
                    : PathString.Empty;
                await source.Client.Credentials.ApplyAsync(transform.ProxyRequest, transform.HttpContext.RequestAborted).ConfigureAwait(false);
            });
            context.AddResponseTransform(transform =>
            {
                if (transform.ProxyResponse is null)
                {
                    return ValueTask.CompletedTask; // nothing came back: GuardAsync answers with a problem
                }

                // A rejected token is renewed on the next call, as for the adapters' own requests.
                if (transform.ProxyResponse.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    transform.HttpContext.Features.Get<SourceRuntime>()?.Client.Credentials.Invalidate();
                }

                // RFC 9110 7.6.3; it also tells a client that an error is the upstream's own, not the gateway's.
                transform.HttpContext.Response.Headers.Append("Via", ViaValue);
                return ValueTask.CompletedTask;
            });
        });

    /// <summary>Runs first in the proxy pipeline; ends the request with a problem when it may not pass.</summary>
    public static async Task GuardAsync(HttpContext context, Func<Task> next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        if (route.Metadata?.ContainsKey(SourceProxyConfigProvider.SourceMetadataKey) != true)
        {
            await next().ConfigureAwait(false); // a user-defined route from the ReverseProxy section
            return;
        }

        IResult? refusal = null;
        var source = (string)context.Request.RouteValues["name"]!;
        var runtime = await context.RequestServices.GetRequiredService<GatewayContext>().FindReadableAsync(context, source).ConfigureAwait(false);

        // The route's policy has let admin and app keys only in; a source the caller cannot read (another
        // tenant's, say) is answered as a missing one, for every method.
        if (runtime is null)
        {
            refusal = Problems.NoSuchSource(source);
        }
        else if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            refusal = Problems.Status(StatusCodes.Status405MethodNotAllowed, "Method not allowed.",
                "The raw passthrough reads only: GET or HEAD.");
        }
        else if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            // A client's mistake, refused before anything is forwarded (YARP would fail reading it and blame the source).
            refusal = context.Request.ContentLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize
                ? Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large.", "A GET or HEAD to the raw passthrough has no body.")
                : Problems.BadRequest(new Dictionary<string, string[]> { ["body"] = ["A GET or HEAD to the raw passthrough has no body."] });
        }
        else if (!IsSafePath(context.Request.Path.Value ?? string.Empty, context.Request.Query))
        {
            refusal = Problems.BadRequest(new Dictionary<string, string[]>
            {
                ["path"] = ["The path must stay inside the source's API: no '..' segments, encoded '/' or '\\', '%' escapes of escapes, or absolute URLs."],
            });
        }
        else if (runtime.Client.Credentials.MayFail && await FetchCredentialsAsync(context, runtime).ConfigureAwait(false) is { } failure)
        {
            refusal = failure;
        }

        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        // A read is never upgraded to another protocol (WebSocket, h2c) on the source's behalf.
        context.Request.Headers.Remove(HeaderNames.Upgrade);
        context.Features.Set<IHttpUpgradeFeature>(null);
        context.Features.Set<IHttpExtendedConnectFeature>(null);

        // From here on the answer is the upstream's own, passed as it is (no problem body over an
        // upstream 404); only a failure to forward at all becomes the gateway's problem.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        context.Features.Set(runtime);

        await next().ConfigureAwait(false);
        if (context.GetForwarderErrorFeature() is { } error && !context.Response.HasStarted)
        {
            var status = context.Response.StatusCode is >= 500 and <= 599 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
            await Problems.Status(status, "The source could not be reached.",
                    error.Error is ForwarderError.RequestTimedOut
                        ? $"Source '{source}' did not answer in time."
                        : $"Source '{source}' could not be reached through the passthrough.",
                    new Dictionary<string, object?> { ["source"] = source })
                .ExecuteAsync(context)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Obtains the source's credentials (a token exchange, when the source uses one) before forwarding,
    /// so that a failed exchange is a clear problem naming the source instead of a bare proxy error.
    /// The request transform then applies the cached credentials.
    /// </summary>
    private static async Task<IResult?> FetchCredentialsAsync(HttpContext context, SourceRuntime source)
    {
        var name = source.Name;
        using var probe = new HttpRequestMessage(HttpMethod.Get, source.Settings.BaseUrl);
        try
        {
            await source.Client.Credentials.ApplyAsync(probe, context.RequestAborted).ConfigureAwait(false);
            return null;
        }
        catch (UpstreamException ex)
        {
            // The message names the source, the method and the path only, never a credential.
            var status = ex.Code == UpstreamErrorCodes.Timeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
            return Problems.Status(status, "The source's credentials could not be obtained.", ex.Message,
                new Dictionary<string, object?> { ["source"] = name, ["code"] = ex.Code });
        }
    }

    internal static bool IsSafePath(string path, IQueryCollection query)
    {
        // Kestrel has already decoded the path once and removed dot segments; anything that would
        // decode to a separator or a dot segment again upstream is refused here, and so are empty
        // segments ("raw//host", which a server may read as a scheme-relative URL).
        var marker = path.IndexOf("/raw/", StringComparison.Ordinal);
        var rest = marker < 0 ? path.AsSpan() : path.AsSpan(marker + 5);
        if (rest.StartsWith('/') || rest.IndexOfAny('%', '\\', ':') >= 0 || rest.IndexOf("//", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        foreach (var range in rest.Split('/'))
        {
            // "..;x" is a dot segment to servers that strip path parameters (Tomcat, Spring).
            var segment = rest[range];
            var parameters = segment.IndexOf(';');
            if (parameters >= 0)
            {
                segment = segment[..parameters];
            }

            if (segment is "." or "..")
            {
                return false;
            }
        }

        if (query.Count > 32)
        {
            return false;
        }

        foreach (var (key, _) in query)
        {
            if (key.Contains("://", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
