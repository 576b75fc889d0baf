using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Caching;

/// <summary>
/// Decides whether Redis is called at all: after <see cref="RedisStoreOptions.FailuresBeforeBackoff"/>
/// consecutive failures it is left alone for <see cref="RedisStoreOptions.BackoffDuration"/>, then a
/// single call probes it (the others keep skipping it) until one succeeds. Each transition is logged
/// once, never per request.
/// </summary>
internal sealed partial class RedisAvailability(RedisStoreOptions options, TimeProvider time, ILogger logger)
{
    private const long Closed = 0;

    private int _consecutiveFailures;
    private long _backoffUntilTicks = Closed;
    private int _probing;

    public bool IsBackingOff => Volatile.Read(ref _backoffUntilTicks) != Closed;

    /// <summary>Whether a call may go to Redis now; <paramref name="probe"/> is set for the one call that tests it after a backoff.</summary>
    public bool TryBegin(out bool probe)
    {
        probe = false;
        var until = Volatile.Read(ref _backoffUntilTicks);
        if (until == Closed)
        {
            return true;
        }

        if (time.GetUtcNow().UtcTicks < until || Interlocked.CompareExchange(ref _probing, 1, 0) != 0)
        {
            return false;
        }

        probe = true;
        return true;
    }

    /// <summary>
    /// A call succeeded. Only the probe ends a backoff: a call that began before the outage was
    /// noticed and finishes after it proves nothing.
    /// </summary>
    public void Succeeded(bool probe)
    {
        Volatile.Write(ref _consecutiveFailures, 0);
        if (probe)
        {
            Recovered();
            Volatile.Write(ref _probing, 0);
        }
    }

    /// <summary>Redis answered a ping or the client reconnected: end the backoff now.</summary>
    public void Recovered()
    {
        Volatile.Write(ref _consecutiveFailures, 0);
        if (Volatile.Read(ref _backoffUntilTicks) != Closed && Interlocked.Exchange(ref _backoffUntilTicks, Closed) != Closed)
        {
            LogAvailableAgain(logger);
        }
    }

    /// <summary>The call ended without a verdict (the caller cancelled it).</summary>
    public void Abandoned(bool probe)
    {
        if (probe)
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    public void Failed(bool probe, string operation, Exception error)
    {
        var until = (time.GetUtcNow() + options.BackoffDuration).UtcTicks;
        if (probe)
        {
            // Still down: back off again, silently; the warning was logged when it went down.
            Interlocked.Exchange(ref _backoffUntilTicks, until);
            Volatile.Write(ref _probing, 0);
            LogProbeFailed(logger, operation, error.GetType().Name, error.Message);
            return;
        }

        var failures = Interlocked.Increment(ref _consecutiveFailures);
        if (failures >= options.FailuresBeforeBackoff && Interlocked.CompareExchange(ref _backoffUntilTicks, until, Closed) == Closed)
        {
            LogUnavailable(logger, failures, operation, error.GetType().Name, error.Message, options.BackoffDuration);
        }
    }

    /// <summary>Redis did not answer at start-up: skip it from the first call, until the client connects.</summary>
    public void UnavailableAtStart()
    {
        var until = (time.GetUtcNow() + options.BackoffDuration).UtcTicks;
        if (Interlocked.CompareExchange(ref _backoffUntilTicks, until, Closed) == Closed)
        {
            LogUnavailableAtStart(logger, options.BackoffDuration);
        }
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Redis unavailable at start-up; serving from memory and the upstreams, retrying Redis every {Backoff}")]
    private static partial void LogUnavailableAtStart(ILogger logger, TimeSpan backoff);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Redis unavailable after {Failures} consecutive failures (last: {Operation} {ErrorType}: {ErrorMessage}); serving from memory and the upstreams, retrying Redis every {Backoff}")]
    private static partial void LogUnavailable(ILogger logger, int failures, string operation, string errorType, string errorMessage, TimeSpan backoff);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Redis available again")]
    private static partial void LogAvailableAgain(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Redis still unavailable ({Operation} {ErrorType}: {ErrorMessage})")]
    private static partial void LogProbeFailed(ILogger logger, string operation, string errorType, string errorMessage);
}
