using System.Collections.Concurrent;
using InvoiceGateway.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Gateway.Tests.Infrastructure;

/// <summary>A real gateway on real Kestrel (loopback, free port), built exactly as Program.cs builds it.</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private string? _dataDirectory;

    private GatewayServer(WebApplication app, Uri address, LogCapture logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a gateway; its <see cref="Client"/> sends <paramref name="clientKey"/> as <c>X-Api-Key</c> on every request, if given.</summary>
    public static async Task<GatewayServer> StartAsync(
        IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, string? clientKey = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);

        // Each server its own SQLite file unless the test chose a database: tests must not see each other's tenants.
        string? dataDirectory = null;
        if (builder.Configuration["Gateway:Database"] is null && builder.Configuration["Gateway:DataDirectory"] is null)
        {
            dataDirectory = Path.Combine(Path.GetTempPath(), "ig-data-" + Guid.NewGuid().ToString("N")[..12]);
            builder.Configuration["Gateway:DataDirectory"] = dataDirectory;
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);

        await builder.AddInvoiceGatewayAsync();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapInvoiceGateway();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new GatewayServer(app, new Uri(address + "/"), logs) { _dataDirectory = dataDirectory };
        if (clientKey is not null)
        {
            server.Client.DefaultRequestHeaders.Add("X-Api-Key", clientKey);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_dataDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Another server's pool may still hold the file open; the temp folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>Every log line the gateway writes, at every level, with its exception, for assertions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
