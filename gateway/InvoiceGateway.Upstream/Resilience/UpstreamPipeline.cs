using System.Globalization;
using InvoiceGateway.Contracts;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Builds a source's resilience pipeline from Microsoft.Extensions.Http.Resilience's strategies: total timeout →
/// retry → circuit breaker → attempt timeout. One instance per source, because the circuit's state lives in it.
/// </summary>
internal static class UpstreamPipeline
{
    /// <summary>When the call started (<see cref="TimeProvider.GetTimestamp"/>); a Retry-After beyond the total timeout is not waited for.</summary>
    public static readonly HttpRequestOptionsKey<long> StartedKey = new("InvoiceGateway.Upstream.Started");

    public static ResiliencePipeline<HttpResponseMessage> Build(
        string source, UpstreamResilienceOptions options, CircuitBreakerStateProvider circuit, TimeProvider time, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "upstream:" + source, TimeProvider = time };
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options, circuit, time)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    UpstreamLog.Retrying(
                        logger, source, request?.Method.Method ?? "?", request is null ? "?" : UpstreamFailures.PathOf(request),
                        args.AttemptNumber + 1, Describe(args.Outcome), (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            };

            // Token POSTs and any other unsafe method are sent once: a retry could do the thing twice.
            retry.DisableForUnsafeHttpMethods();
            builder.AddRetry(retry);
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "circuit",
            FailureRatio = options.CircuitFailureRatio,
            MinimumThroughput = options.CircuitMinimumThroughput,
            SamplingDuration = options.CircuitSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
            StateProvider = circuit,
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            OnOpened = args =>
            {
                UpstreamLog.CircuitOpened(logger, source, Describe(args.Outcome), (long)args.BreakDuration.TotalMilliseconds);
                return default;
            },
            OnHalfOpened = _ =>
            {
                UpstreamLog.CircuitHalfOpened(logger, source);
                return default;
            },
            OnClosed = _ =>
            {
                UpstreamLog.CircuitClosed(logger, source);
                return default;
            },
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>
    /// Whether a transient outcome is worth another attempt: not once the circuit has opened (the retry would fail
    /// fast and hide the answer), and not when the upstream asks for a wait longer than we are prepared to give.
    /// </summary>
    private static bool ShouldRetry(
        Outcome<HttpResponseMessage> outcome, ResilienceContext context, UpstreamResilienceOptions options,
        CircuitBreakerStateProvider circuit, TimeProvider time)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome)
            || circuit.CircuitState is Polly.CircuitBreaker.CircuitState.Open or Polly.CircuitBreaker.CircuitState.Isolated)
        {
            return false;
        }

        if (outcome.Result is { } response && RetryAfter(response, time) is { } wait)
        {
            var started = context.GetRequestMessage() is { } request && request.Options.TryGetValue(StartedKey, out var at) ? at : time.GetTimestamp();
            if (wait > options.MaxRetryAfter || wait >= options.TotalTimeout - time.GetElapsedTime(started))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What counts against the circuit: transport errors, timeouts, 408, 429 and 5xx, and a token endpoint that cannot be reached.</summary>
    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome)
        || outcome.Exception is IOException
        || outcome.Exception is UpstreamException { Code: UpstreamErrorCodes.Unreachable or UpstreamErrorCodes.Timeout };

    /// <summary>The delay a response's <c>Retry-After</c> asks for (delta seconds or an HTTP date), or <c>null</c>.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException timeout } => "no answer within " + UpstreamFailures.Show(timeout.Timeout),
        { Exception: UpstreamException upstream } => upstream.Code,
        { Exception: { } exception } => UpstreamFailures.Reason(exception),
        { Result: { } response } => "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
        _ => "unknown",
    };
}
