using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Testcontainers.Redis;

namespace InvoiceGateway.Testing;

/// <summary>
/// A real Redis for tests. Where a Docker engine answers (checked, see <see cref="DockerEngine"/>), a
/// Testcontainers Redis container bound to a free loopback port; otherwise a <c>redis-server</c> process
/// started on a free loopback port, without persistence, killed on dispose (and when the test process exits,
/// even if it is killed). Both can be killed, restarted on the same port and frozen. When the environment
/// variable <c>REDIS_URL</c> is set, that server is used instead; it cannot be stopped or restarted, so the
/// fault tests need one of the fixture's own.
/// </summary>
/// <remarks>
/// Tests sharing one server should use their own key prefixes. Nothing here is tied to a test
/// framework: a missing <c>redis-server</c> is an exception, so the tests fail rather than skip.
/// </remarks>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The environment variable that points the fixture at an existing Redis.</summary>
    public const string UrlVariable = "REDIS_URL";

    private const string Executable = "redis-server";
    private const int StartAttempts = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly ConcurrentDictionary<RedisServer, byte> Running = new();

    private readonly string? _executablePath;
    private readonly string? _host;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RedisContainer? _container;
    private Process? _process;
    private Process? _watchdog;
    private bool _disposed;

    static RedisServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private RedisServer(string executablePath, int port)
    {
        _executablePath = executablePath;
        Port = port;
        Configuration = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
    }

    private RedisServer(string host, int port, string configuration)
    {
        _host = host;
        Port = port;
        Configuration = configuration;
    }

    /// <summary>Gets the port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string, <c>127.0.0.1:port</c> for a local server.</summary>
    public string Configuration { get; }

    /// <summary>Gets the id of the redis-server process while it runs; <see langword="null"/> when stopped or external.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Gets whether this is the server named by <c>REDIS_URL</c> rather than a process or container of the fixture.</summary>
    public bool IsExternal => _executablePath is null && _container is null;

    /// <summary>Gets whether the server runs in a Testcontainers container (a Docker engine was reachable).</summary>
    public bool IsContainer => _container is not null;

    /// <summary>Starts a server on a free port (or uses <c>REDIS_URL</c>) and waits until it answers PING.</summary>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException"><c>redis-server</c> is not installed, or did not start.</exception>
    public static async Task<RedisServer> StartAsync(CancellationToken ct = default)
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            return await UseExternalAsync(url, ct).ConfigureAwait(false);
        }

        if (await DockerEngine.IsReachableAsync(ct).ConfigureAwait(false))
        {
            return await StartContainerAsync(ct).ConfigureAwait(false);
        }

        var executable = FindExecutable()
            ?? throw new InvalidOperationException($"{Executable} not found: apt-get install -y redis-server (or set {UrlVariable} to an existing Redis)");

        Exception? last = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            // Another process may take the port between our probe and redis-server's bind: retry on another.
            var server = new RedisServer(executable, FreePort());
            try
            {
                await server.LaunchAsync(ct).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"{Executable} did not start after {StartAttempts} attempts.", last);
    }

    private static async Task<RedisServer> StartContainerAsync(CancellationToken ct)
    {
        // A fixed host port, so that a restarted container answers where the clients reconnect.
        var port = FreePort();
        var server = new RedisServer(string.Empty, port)
        {
            _container = new RedisBuilder("redis:7").WithPortBinding(port, 6379).WithCommand("--save", string.Empty, "--appendonly", "no").Build(),
        };
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

    /// <summary>Kills the server (SIGKILL, like a crash) and waits until it is gone. Does nothing if it is not running.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    /// <exception cref="NotSupportedException">The server is the one of <c>REDIS_URL</c>.</exception>
    public async Task StopAsync()
    {
        ThrowIfExternal("stop");
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the server again on the same port (stopping it first if it runs) and waits until it answers PING. Its data is gone.</summary>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>A task that completes when the server answers.</returns>
    /// <exception cref="NotSupportedException">The server is the one of <c>REDIS_URL</c>.</exception>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        ThrowIfExternal("restart");
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await KillAsync().ConfigureAwait(false);
            Exception? last = null;
            for (var attempt = 0; attempt < StartAttempts; attempt++)
            {
                try
                {
                    await LaunchAsync(ct).ConfigureAwait(false);
                    return;
                }
                catch (InvalidOperationException ex)
                {
                    // The old socket may not be released yet.
                    last = ex;
                    await Task.Delay(200, ct).ConfigureAwait(false);
                }
            }

            throw new InvalidOperationException($"{Executable} did not restart on port {Port}.", last);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open but nothing is answered, like a Redis that
    /// hangs. <see cref="ResumeAsync"/> undoes it.
    /// </summary>
    /// <returns>A task that completes when the signal was sent.</returns>
    /// <exception cref="NotSupportedException">The server is the one of <c>REDIS_URL</c>, or the platform has no signals.</exception>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a server frozen by <see cref="PauseAsync"/> run again (SIGCONT).</summary>
    /// <returns>A task that completes when the signal was sent.</returns>
    /// <exception cref="NotSupportedException">The server is the one of <c>REDIS_URL</c>, or the platform has no signals.</exception>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Sends PING over a raw connection.</summary>
    /// <param name="ct">Cancels the attempt.</param>
    /// <returns><see langword="true"/> when the server answered within a second.</returns>
    public Task<bool> PingAsync(CancellationToken ct = default) => AnswersAsync(_host ?? "127.0.0.1", Port, ct);

    /// <summary>Kills the server process.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!IsExternal)
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await KillAsync().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => IsExternal ? $"external Redis at {_host}:{Port}" : $"redis-server on {Configuration}";

    private static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin"]);
        var names = OperatingSystem.IsWindows() ? new[] { Executable + ".exe" } : [Executable];
        return directories
            .SelectMany(directory => names.Select(name => Path.Combine(directory, name)))
            .FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<RedisServer> UseExternalAsync(string url, CancellationToken ct)
    {
        string host;
        int port;
        string configuration;
        if (url.Contains("://", StringComparison.Ordinal))
        {
            var uri = new Uri(url);
            host = uri.Host;
            port = uri.Port > 0 ? uri.Port : 6379;
            var builder = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{host}:{port}"));
            var password = uri.UserInfo.Contains(':', StringComparison.Ordinal) ? uri.UserInfo[(uri.UserInfo.IndexOf(':', StringComparison.Ordinal) + 1)..] : uri.UserInfo;
            if (password.Length > 0)
            {
                builder.Append(",password=").Append(Uri.UnescapeDataString(password));
            }

            if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append(",ssl=true");
            }

            configuration = builder.ToString();
        }
        else
        {
            // A StackExchange.Redis configuration string: its first endpoint is host[:port].
            configuration = url;
            var endpoint = url.Split(',')[0].Trim();
            var colon = endpoint.LastIndexOf(':');
            host = colon > 0 ? endpoint[..colon] : endpoint;
            port = colon > 0 && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 6379;
        }

        var server = new RedisServer(host, port, configuration);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AnswersAsync(host, port, ct).ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                // Host and port only: the URL may hold a password.
                throw new InvalidOperationException($"The Redis of {UrlVariable} ({host}:{port}) does not answer.");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        return server;
    }

    /// <summary>Whether something at host:port answers a RESP PING (an error reply such as NOAUTH counts: it is a Redis).</summary>
    private static async Task<bool> AnswersAsync(string host, int port, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            return read > 0 && (buffer[0] == (byte)'+' || buffer[0] == (byte)'-');
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    private static void KillAll()
    {
        foreach (var server in Running.Keys)
        {
            server.KillNow();
        }
    }

    private static void KillQuietly(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        if (_container is not null)
        {
            await _container.StartAsync(ct).ConfigureAwait(false);
            return;
        }

        var start = new ProcessStartInfo(_executablePath!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--protected-mode", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += OnOutput;
        process.ErrorDataReceived += OnOutput;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Running.TryAdd(this, 0);
        _watchdog = StartWatchdog(process.Id);

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AnswersAsync("127.0.0.1", Port, ct).ConfigureAwait(false))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await KillAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"{Executable} on port {Port} did not answer PING. Its output:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
            }

            await Task.Delay(25, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A shell loop that kills redis-server if this test process dies without running its exit
    /// handlers (killed by a runner's timeout, say); it ends by itself when redis-server is gone.
    /// </summary>
    private static Process? StartWatchdog(int redisPid)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var child = redisPid.ToString(CultureInfo.InvariantCulture);
        var script = $"while kill -0 {parent} 2>/dev/null; do kill -0 {child} 2>/dev/null || exit 0; sleep 1; done; kill -9 {child} 2>/dev/null";
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        try
        {
            return Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        _output.Enqueue(e.Data);
        while (_output.Count > 50 && _output.TryDequeue(out _))
        {
        }
    }

    private async Task KillAsync()
    {
        if (_container is not null)
        {
            await _container.StopAsync().ConfigureAwait(false);
            return;
        }

        var process = _process;
        var watchdog = _watchdog;
        _process = null;
        _watchdog = null;
        Running.TryRemove(this, out _);
        if (process is not null)
        {
            KillQuietly(process);
            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
        }

        if (watchdog is not null)
        {
            KillQuietly(watchdog);
            await watchdog.WaitForExitAsync().ConfigureAwait(false);
            watchdog.Dispose();
        }
    }

    private void KillNow()
    {
        KillQuietly(_process);
        KillQuietly(_watchdog);
    }

    private async Task SignalAsync(string signal)
    {
        ThrowIfExternal(signal == "STOP" ? "pause" : "resume");
        if (_container is not null)
        {
            await (signal == "STOP" ? _container.PauseAsync() : _container.UnpauseAsync()).ConfigureAwait(false);
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new NotSupportedException("Pausing redis-server needs POSIX signals.");
        }

        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start(new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            ArgumentList = { "-c", $"kill -{signal} {pid.ToString(CultureInfo.InvariantCulture)}" },
        }) ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed with exit code {kill.ExitCode}.");
        }
    }

    private void ThrowIfExternal(string action)
    {
        if (IsExternal)
        {
            throw new NotSupportedException(
                $"Cannot {action} the Redis of {UrlVariable} ({_host}:{Port}): the fixture only controls a redis-server it started. Unset {UrlVariable} to run this test against a local redis-server.");
        }
    }
}
