using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InvoiceGateway.Testing;

/// <summary>
/// A real PostgreSQL for tests: a throwaway cluster (Debian's <c>postgresql</c> binaries) in a temporary
/// folder, on a free loopback port, stopped and deleted on dispose (and when the test process exits,
/// even if it is killed). PostgreSQL refuses to run as root, so as root the cluster belongs to the
/// <c>postgres</c> user and is started through <c>runuser</c>. When the environment variable
/// <c>POSTGRES_URL</c> (an Npgsql connection string) is set, that server is used instead.
/// </summary>
/// <remarks>
/// Starting a cluster takes seconds: share one server and give each test its own database
/// (<see cref="CreateDatabaseAsync"/>). A missing installation is an exception, so tests fail rather than skip.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The environment variable that points the fixture at an existing PostgreSQL.</summary>
    public const string UrlVariable = "POSTGRES_URL";

    private const string User = "postgres";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _bin;
    private readonly string? _directory;
    private readonly string? _external;
    private Process? _watchdog;
    private int _databases;
    private bool _disposed;

    private PostgresServer(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
        ConnectionString = string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username={User};Database=postgres");
    }

    private PostgresServer(string external)
    {
        _external = external;
        ConnectionString = external;
    }

    /// <summary>Gets the port of the fixture's own server (0 for an external one).</summary>
    public int Port { get; }

    /// <summary>Gets the Npgsql connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts a cluster (or uses <c>POSTGRES_URL</c>) and waits until it accepts connections.</summary>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or did not start.</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        if (Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url)
        {
            return new PostgresServer(url);
        }

        var bin = FindBin() ?? throw new InvalidOperationException(
            $"PostgreSQL not found (/usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql (or set {UrlVariable}).");
        var directory = Path.Combine(Path.GetTempPath(), "ig-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var server = new PostgresServer(bin, directory, FreePort());
        try
        {
            await server.LaunchAsync(ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates an empty database of the test's own and returns its connection string.</summary>
    /// <param name="ct">Cancels the command.</param>
    /// <returns>The new database's Npgsql connection string.</returns>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct = default)
    {
        var number = Interlocked.Increment(ref _databases);
        // At most 40 characters: with a short process id the whole name is shorter than that.
        var name = string.Create(CultureInfo.InvariantCulture, $"t{Environment.ProcessId}_{number}_{Guid.NewGuid():N}");
        name = name[..Math.Min(name.Length, 40)];
        if (_external is not null)
        {
            throw new NotSupportedException($"Creating databases on the server of {UrlVariable} is not supported; unset it to use a local cluster.");
        }

        await RunAsync(Path.Combine(_bin!, "createdb"), asPostgres: false, ct,
            "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, name).ConfigureAwait(false);
        return ConnectionString.Replace("Database=postgres", "Database=" + name, StringComparison.Ordinal);
    }

    /// <summary>Stops the cluster and deletes its folder.</summary>
    /// <returns>A task that completes when the server is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed || _external is not null)
        {
            return;
        }

        _disposed = true;
        try
        {
            await RunAsync(Path.Combine(_bin!, "pg_ctl"), asPostgres: true, CancellationToken.None,
                "-D", DataDirectory, "-m", "immediate", "-w", "stop").ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Not running (it never started, or it was stopped already).
        }

        if (_watchdog is { HasExited: false })
        {
            _watchdog.Kill();
        }

        _watchdog?.Dispose();
        try
        {
            Directory.Delete(_directory!, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <inheritdoc />
    public override string ToString() => _external is not null ? "external PostgreSQL" : $"PostgreSQL on 127.0.0.1:{Port}";

    private string DataDirectory => Path.Combine(_directory!, "data");

    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private static string? FindBin()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        if (IsRoot)
        {
            await RunAsync("chown", asPostgres: false, ct, User, _directory!).ConfigureAwait(false);
        }

        await RunAsync(Path.Combine(_bin!, "initdb"), asPostgres: true, ct,
            "-D", DataDirectory, "-A", "trust", "-U", User, "--no-sync", "-E", "UTF8", "--locale=C").ConfigureAwait(false);
        var port = Port.ToString(CultureInfo.InvariantCulture);
        await RunAsync(Path.Combine(_bin!, "pg_ctl"), asPostgres: true, ct,
            "-D", DataDirectory, "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "-o", $"-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start").ConfigureAwait(false);
        _watchdog = StartWatchdog();
    }

    /// <summary>Stops the cluster if this test process dies without running its exit handlers.</summary>
    private Process? StartWatchdog()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var stop = $"{(IsRoot ? "runuser -u postgres -- " : string.Empty)}{Path.Combine(_bin!, "pg_ctl")} -D {DataDirectory} -m immediate stop; rm -rf {_directory}";
        var script = $"while kill -0 {parent} 2>/dev/null; do [ -d {DataDirectory} ] || exit 0; sleep 1; done; {stop}";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return Process.Start(start);
    }

    private static async Task RunAsync(string executable, bool asPostgres, CancellationToken ct, params string[] arguments)
    {
        var start = new ProcessStartInfo(asPostgres && IsRoot ? "runuser" : executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres && IsRoot)
        {
            foreach (var prefix in new[] { "-u", User, "--", executable })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(executable)} failed with exit code {process.ExitCode}:{Environment.NewLine}{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }
}
