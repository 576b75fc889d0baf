namespace InvoiceGateway.Upstream;

/// <summary>The state of a source's circuit breaker, as <c>GET /v1/sources</c> shows it.</summary>
public enum CircuitState
{
    /// <summary>Calls flow normally.</summary>
    Closed = 0,

    /// <summary>The source failed too often: calls fail fast without reaching it until the break ends.</summary>
    Open = 1,

    /// <summary>The break has ended: the next call is a trial that closes or reopens the circuit.</summary>
    HalfOpen = 2,

    /// <summary>The circuit was opened by hand and stays open until closed by hand.</summary>
    Isolated = 3,
}
