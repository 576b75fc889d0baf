using System.Globalization;
using System.Net;
using InvoiceGateway.Contracts;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Builds a source's resilience pipeline: total timeout → retry → circuit breaker → attempt timeout.
/// One instance per source, because the circuit's state lives in it.
/// </summary>
internal static class UpstreamPipeline
{
    /// <summary>The request being sent; the retry predicate needs its method.</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage?> RequestKey = new("InvoiceGateway.Upstream.Request");

    /// <summary>When the call started (<see cref="TimeProvider.GetTimestamp"/>); a Retry-After beyond the total timeout is not waited for.</summary>
    public static readonly ResiliencePropertyKey<long> StartedKey = new("InvoiceGateway.Upstream.Started");

    public static ResiliencePipeline<HttpResponseMessage> Build(
        string source, UpstreamResilienceOptions options, CircuitBreakerStateProvider state, TimeProvider time, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "upstream:" + source, TimeProvider = time };
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options, state, time)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter.Read(response, time) : null),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null);
                    UpstreamLog.Retrying(
                        logger, source, request?.Method.Method ?? "?", request is null ? "?" : UpstreamFailures.PathOf(request),
                        args.AttemptNumber + 1, Describe(args.Outcome), (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "circuit",
            FailureRatio = options.CircuitFailureRatio,
            MinimumThroughput = options.CircuitMinimumThroughput,
            SamplingDuration = options.CircuitSamplingDuration,
            BreakDuration = options.CircuitBreakDuration,
            StateProvider = state,
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
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>
    /// Whether an attempt's outcome is worth another attempt: idempotent methods and transient failures
    /// only, and not once the circuit has opened (the retry would fail fast anyway).
    /// </summary>
    internal static bool ShouldRetry(
        Outcome<HttpResponseMessage> outcome, ResilienceContext context, UpstreamResilienceOptions options,
        CircuitBreakerStateProvider circuit, TimeProvider time)
    {
        var request = context.Properties.GetValue(RequestKey, null);
        if (request is null || !IsIdempotent(request.Method)
            || circuit.CircuitState is Polly.CircuitBreaker.CircuitState.Open or Polly.CircuitBreaker.CircuitState.Isolated)
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or IOException or TimeoutRejectedException;
        }

        if (outcome.Result is not { } response || !IsTransient(response.StatusCode))
        {
            return false;
        }

        if (RetryAfter.Read(response, time) is { } wait)
        {
            var elapsed = time.GetElapsedTime(context.Properties.GetValue(StartedKey, time.GetTimestamp()));
            if (wait > options.MaxRetryAfter || wait >= options.TotalTimeout - elapsed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What counts against the circuit: transport errors, timeouts, 408, 429 and 5xx.</summary>
    internal static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or IOException or TimeoutRejectedException => true,
        UpstreamException upstream => upstream.Code is UpstreamErrorCodes.Unreachable or UpstreamErrorCodes.Timeout,
        not null => false,
        null => outcome.Result is { } response && IsTransient(response.StatusCode),
    };

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options;

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException timeout } => "no answer within " + UpstreamFailures.Show(timeout.Timeout),
        { Exception: UpstreamException upstream } => upstream.Code,
        { Exception: { } exception } => UpstreamFailures.Reason(exception),
        { Result: { } response } => "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
        _ => "unknown",
    };
}
