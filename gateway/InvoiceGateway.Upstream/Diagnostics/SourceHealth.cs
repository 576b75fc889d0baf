using InvoiceGateway.Contracts;
using Polly.CircuitBreaker;
using PollyCircuitState = Polly.CircuitBreaker.CircuitState;

namespace InvoiceGateway.Upstream;

/// <summary>What <c>GET /v1/sources</c> shows of a source: its circuit, last success and last error.</summary>
internal sealed class SourceHealth
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _circuit;
    private DateTimeOffset? _lastSuccess;
    private DateTimeOffset? _lastErrorAt;
    private string? _lastError;
    private bool _lastFailed;

    public SourceHealth(string name, TimeProvider time, CircuitBreakerStateProvider circuit)
    {
        Name = name;
        _time = time;
        _circuit = circuit;
    }

    public string Name { get; }

    public CircuitState Circuit => _circuit.CircuitState switch
    {
        PollyCircuitState.Open => CircuitState.Open,
        PollyCircuitState.HalfOpen => CircuitState.HalfOpen,
        PollyCircuitState.Isolated => CircuitState.Isolated,
        _ => CircuitState.Closed,
    };

    public DateTimeOffset? LastSuccess
    {
        get
        {
            lock (_lock)
            {
                return _lastSuccess;
            }
        }
    }

    public DateTimeOffset? LastErrorAt
    {
        get
        {
            lock (_lock)
            {
                return _lastErrorAt;
            }
        }
    }

    public string? LastError
    {
        get
        {
            lock (_lock)
            {
                return _lastError;
            }
        }
    }

    /// <summary>Whether the last call or read recorded failed (a later success clears it).</summary>
    public bool LastFailed
    {
        get
        {
            lock (_lock)
            {
                return _lastFailed;
            }
        }
    }

    public void Succeeded()
    {
        lock (_lock)
        {
            _lastSuccess = _time.GetUtcNow();
            _lastFailed = false;
        }
    }

    /// <summary>Records a body that turned out too large while the adapter read it, after the call itself was recorded.</summary>
    public void BodyTooLarge(UpstreamException error)
    {
        UpstreamMetrics.RecordError(Name, error.Code);
        Failed(error.Message);
    }

    /// <summary>Records a failure; <paramref name="message"/> is one of this library's own messages, never a runtime's.</summary>
    public void Failed(string message)
    {
        lock (_lock)
        {
            _lastErrorAt = _time.GetUtcNow();
            _lastError = message;
            _lastFailed = true;
        }
    }
}
