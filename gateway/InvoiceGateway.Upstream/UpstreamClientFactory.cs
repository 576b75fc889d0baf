using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace InvoiceGateway.Upstream;

/// <summary>Builds each source's <see cref="UpstreamClient"/>. Create one client per source and keep it for the process' life.</summary>
public sealed class UpstreamClientFactory
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the clients report to.</summary>
    public const string MeterName = UpstreamMetrics.MeterName;

    /// <summary>The most bytes a token endpoint may answer with (or the source's limit, when lower).</summary>
    public const long MaxTokenResponseBytes = 1024 * 1024;

    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly HttpMessageHandler? _primaryHandler;

    /// <summary>Creates the factory.</summary>
    /// <param name="time">The clock of token expiry, timeouts, retry delays and the circuit breaker.</param>
    /// <param name="loggers">Where retries, circuit transitions and token renewals are logged.</param>
    /// <param name="primaryHandler">
    /// The handler that sends requests on the wire, shared by every client and never disposed by them
    /// (for tests); <c>null</c> gives each client its own <see cref="SocketsHttpHandler"/>.
    /// </param>
    public UpstreamClientFactory(TimeProvider time, ILoggerFactory loggers, HttpMessageHandler? primaryHandler = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _time = time;
        _loggers = loggers;
        _primaryHandler = primaryHandler;
    }

    /// <summary>Builds the client of one source.</summary>
    /// <param name="source">The source's settings; validated here again.</param>
    /// <returns>The client; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The settings are invalid; the message lists every problem.</exception>
    public UpstreamClient Create(UpstreamSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var problems = UpstreamOptionsValidator.Validate(source.Name, source.Auth, source.Resilience, source.AdapterAuth);
        if (source.BaseUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            problems = [.. problems, $"Gateway:Sources:{source.Name}:BaseUrl must be an absolute http(s) URL."];
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(source));
        }

        var name = source.Name;
        var options = source.Resilience;
        var logger = _loggers.CreateLogger("InvoiceGateway.Upstream");
        var baseUrl = WithTrailingSlash(source.BaseUrl);

        var ownedPrimary = _primaryHandler is null ? CreatePrimaryHandler() : null;
        var primary = _primaryHandler ?? ownedPrimary!;

        // Token requests take a plain path of their own: bounded, but no retries, circuit or credentials.
        var tokenInvoker = new HttpMessageInvoker(
            new ResponseSizeLimitHandler(name, Math.Min(options.MaxResponseBytes, MaxTokenResponseBytes)) { InnerHandler = primary },
            disposeHandler: false);
        var credentials = SourceCredentialsFactory.Create(source, baseUrl, tokenInvoker, _time, logger);

        var circuit = new CircuitBreakerStateProvider();
        var health = new SourceHealth(name, _time, circuit);
        var pipeline = UpstreamPipeline.Build(name, options, circuit, _time, logger);
        var handler = new SourceOutcomeHandler(health, _time)
        {
            InnerHandler = new ResilienceHandler(pipeline)
            {
                InnerHandler = new UpstreamCallTracingHandler(name)
                {
                    InnerHandler = new SameHostRedirectHandler(name, logger)
                    {
                        InnerHandler = new AuthenticationHandler(name, credentials, logger)
                        {
                            InnerHandler = new ResponseSizeLimitHandler(name, options.MaxResponseBytes, health.BodyTooLarge) { InnerHandler = primary },
                        },
                    },
                },
            },
        };

        // The handlers hold no resources of their own; the primary handler is disposed by the client when it owns it.
        var http = new HttpClient(handler, disposeHandler: false)
        {
            BaseAddress = baseUrl,

            // The pipeline's total timeout bounds each call; reading the body is bounded by the caller's token.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("InvoiceGateway/1.0");
        return new UpstreamClient(health, http, credentials, tokenInvoker, ownedPrimary);
    }

    private static Uri WithTrailingSlash(Uri baseUrl)
    {
        var builder = new UriBuilder(baseUrl) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    private static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        // Re-resolves DNS now and then, so a source that moves is followed.
        PooledConnectionLifetime = PooledConnectionLifetime,
        AutomaticDecompression = DecompressionMethods.All,
        UseCookies = false,

        // Redirects are followed by SameHostRedirectHandler, which never leaves the source's host.
        AllowAutoRedirect = false,
    };
}
