using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>How reading one source went, as listed in a list response's <c>sources</c>.</summary>
internal enum SourceState
{
    Ok,
    Stale,
    Failed,
    Skipped,
}

/// <summary>A source error as clients see it: a code and a message free of credentials.</summary>
internal sealed record SourceError(string Code, string Message)
{
    public static SourceError From(string source, Exception exception, TimeSpan timeout) => exception switch
    {
        UpstreamException upstream => new(upstream.Code, upstream.Message),
        TimeoutException or OperationCanceledException =>
            new(UpstreamErrorCodes.Timeout, $"Source '{source}' did not answer within {timeout.TotalSeconds:0.###} s."),
        System.Text.Json.JsonException =>
            new(UpstreamErrorCodes.Payload, $"Source '{source}' sent a body that could not be read as the documented JSON."),
        HttpRequestException or IOException =>
            new(UpstreamErrorCodes.Unreachable, $"Source '{source}' could not be reached."),
        _ => new("internal_error", $"Reading source '{source}' failed unexpectedly; the gateway's log has the details."),
    };
}

/// <summary>The result of reading one source for a list request.</summary>
internal sealed record SourceOutcome(
    string Name,
    SourceState State,
    SourceSnapshot? Snapshot,
    long DurationMs,
    SourceError? Error)
{
    public int Count => Snapshot?.Count ?? 0;

    /// <summary>Where the snapshot came from (hit, miss or stale), for metrics; <c>null</c> when there is none.</summary>
    public InvoiceGateway.Caching.CacheState? Cache { get; init; }

    /// <summary>
    /// True when everything the upstream holds is in the answer: ok, or stale (its last good copy is there,
    /// marked with the error), with nothing rejected and nothing still being collected.
    /// </summary>
    public bool IsComplete => State is SourceState.Ok or SourceState.Stale or SourceState.Skipped
                              && (Snapshot is null || Snapshot.Notices.Count == 0);
}
