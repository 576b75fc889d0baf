namespace InvoiceGateway.Sandbox;

/// <summary>
/// A fault the sandbox injects into one API's data endpoints (never its token endpoints). Several
/// kinds may be combined; they apply in this order: <see cref="LatencyMs"/>, then the first of
/// <see cref="ResetConnection"/>, <see cref="Status"/>, (credentials are checked here),
/// <see cref="DeepNestingLevels"/>, <see cref="OversizedBytes"/>, then <see cref="MalformedEntry"/>
/// and <see cref="MalformedJson"/> alter the normal answer.
/// </summary>
public sealed record SandboxFault
{
    /// <summary>Delay before answering, in milliseconds. The default value is 0.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Answer with this status code and a small JSON error body, e.g. 500 or 429. The default value is <c>null</c>.</summary>
    public int? Status { get; init; }

    /// <summary>With <see cref="Status"/> (typically 429 or 503): the <c>Retry-After</c> header in seconds. The default value is <c>null</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Answer 200 with a truncated, unparseable body (SendRegning: the docs' copy with its missing comma). The default value is <c>false</c>.</summary>
    public bool MalformedJson { get; init; }

    /// <summary>Abort the connection without an answer. The default value is <c>false</c>.</summary>
    public bool ResetConnection { get; init; }

    /// <summary>Answer 200 with valid-looking JSON of exactly this many bytes, streamed without Content-Length. The default value is <c>null</c>.</summary>
    public long? OversizedBytes { get; init; }

    /// <summary>Answer 200 with this many nested JSON arrays. The default value is <c>null</c>.</summary>
    public int? DeepNestingLevels { get; init; }

    /// <summary>
    /// In list answers one invoice is broken in shape while the JSON stays valid: its amount is an object
    /// and its date is <c>not-a-date</c>. A detail answer serves the invoice broken the same way.
    /// The default value is <c>false</c>.
    /// </summary>
    public bool MalformedEntry { get; init; }

    /// <summary>Apply to the next N data requests only, then clear; <c>null</c> applies until cleared. The default value is <c>null</c>.</summary>
    public int? RemainingCount { get; init; }
}
