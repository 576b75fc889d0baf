using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Caching.Tests.Support;

public sealed record CapturedLog(string Category, LogLevel Level, string Message);

/// <summary>Keeps every log line written through its loggers.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger<object>(this, categoryName);

    public ILogger<T> CreateLogger<T>() => new CapturingLogger<T>(this, typeof(T).FullName!);

    public int Count(LogLevel level, string messageStart) =>
        _entries.Count(e => e.Level == level && e.Message.StartsWith(messageStart, StringComparison.Ordinal));

    public void Dispose()
    {
    }

    private sealed class CapturingLogger<T>(CapturingLoggerProvider provider, string category) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception)));
    }
}
